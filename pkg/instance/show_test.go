package instance

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

type fakeReader struct {
	fakeLister
	server    *api.Server
	serverErr error
	refs      []api.ServerRef
	subs      []api.Subscription
	subsErr   error
	subIDs    [][]string
}

func (f *fakeReader) ShowServer(ctx context.Context, ref api.ServerRef) (*api.Server, error) {
	f.mu.Lock()
	f.refs = append(f.refs, ref)
	f.mu.Unlock()
	return f.server, f.serverErr
}

func (f *fakeReader) ListPayPerUseCustomerResources(ctx context.Context, ids []string) ([]api.Subscription, error) {
	f.mu.Lock()
	f.subIDs = append(f.subIDs, ids)
	f.mu.Unlock()
	return f.subs, f.subsErr
}

const serverExample = `{"server":{"id":"72a270de-665a-4f46-8d64-24ad6edccdd1","name":"web-1","status":"ACTIVE",
 "addresses":{"24bbb54c":[
   {"version":"4","addr":"192.168.0.16","OS-EXT-IPS:type":"fixed"},
   {"version":"4","addr":"203.0.113.8","OS-EXT-IPS:type":"floating"}]},
 "flavor":{"id":"f1","name":"hf.large.1","vcpus":"2","ram":"2048","disk":"0"}}}`

func server(t *testing.T) *api.Server {
	var r api.ShowServerResponse
	if err := api.DecodeJSON([]byte(serverExample), &r); err != nil {
		t.Fatal(err)
	}
	return &r.Server
}

// The show JSON shape: the list fields, then the keys (plus
// flavor and effective, which the view names).
func TestDetailedJSONShape(t *testing.T) {
	r := example(t)
	rd := &fakeReader{server: server(t), subs: []api.Subscription{
		{ResourceID: "other", ExpireTime: "2030-01-01T00:00:00Z"},
		{ResourceID: "6743d0e3708be6007b8c8012", EffectiveTime: "2024-11-25T10:51:12Z", ExpireTime: "2024-12-25T15:59:59Z", ExpirePolicy: 3},
	}}
	d, err := Detailed(context.Background(), rd, &r)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d)
	want := `{"id":"6743d0e3708be6007b8c8012","name":"web-1","region":"ap-southeast-3","status":"RUNNING","spec":"","public_ip":"203.0.113.7","expires":"2024-12-25T15:59:59Z",` +
		`"server_id":"72a270de-665a-4f46-8d64-24ad6edccdd1","order_id":"CS2411251851XXXXX","charging_mode":"prePaid","created":"2024-11-25T10:51:12Z","tags":{},` +
		`"server_name":"web-1","description":"","hostname":"","image":"","server_status":"ACTIVE","private_ip":"192.168.0.16","flavor":"hf.large.1","effective":"2024-11-25T10:51:12Z","auto_renew":true,` +
		`"resources":[{"type":"huaweicloudinternal_ecs_instance","id":"72a270de-665a-4f46-8d64-24ad6edccdd1"},` +
		`{"type":"huaweicloudinternal_eip","id":"5d0b2c4e-1f2a-4b3c-8d9e-0f1a2b3c4d5e"},{"type":"huaweicloudinternal_cbc_freeresource","id":"828e2c7c-3c8c-45a2-bebc-98cb3e77d06e"}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// ECS asked in the instance's region and project; BSS by the instance ID.
	if len(rd.refs) != 1 || rd.refs[0] != (api.ServerRef{Region: "ap-southeast-3", ProjectID: r.ProjectID, ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"}) ||
		len(rd.subIDs) != 1 || strings.Join(rd.subIDs[0], ",") != "6743d0e3708be6007b8c8012" {
		t.Errorf("refs %+v subs %v", rd.refs, rd.subIDs)
	}
	_, rows := DetailTable(d)
	var lines []string
	for _, r := range rows {
		lines = append(lines, strings.Join(r, "="))
	}
	text := strings.Join(lines, "\n")
	for _, w := range []string{"SERVER STATUS=ACTIVE", "PRIVATE IP=192.168.0.16", "AUTO RENEW=on", "EXPIRES=2024-12-25 15:59:59 UTC",
		"RESOURCES=huaweicloudinternal_ecs_instance 72a270de", "=huaweicloudinternal_eip 5d0b", "TAGS=-"} {
		if !strings.Contains(text, w) {
			t.Errorf("table lacks %q:\n%s", w, text)
		}
	}
}

// Not known yet is empty (null auto_renew), not an error; RMS without an
// EIP takes the server's floating address; no server: ECS is not asked.
func TestDetailedUnknownParts(t *testing.T) {
	r := example(t)
	r.Properties.Resources = r.Properties.Resources[:1] // the server only, no EIP entry
	r.Tags = map[string]string{"b": "2", "a": "1"}
	rd := &fakeReader{server: server(t)}
	d, err := Detailed(context.Background(), rd, &r)
	if err != nil || d.PublicIP != "203.0.113.8" || d.AutoRenew != nil || d.Expires != "" {
		t.Fatalf("%+v %v", d, err)
	}
	got, _ := json.Marshal(d)
	if !strings.Contains(string(got), `"expires":"",`) || !strings.Contains(string(got), `"auto_renew":null`) {
		t.Errorf("%s", got)
	}
	_, rows := DetailTable(d)
	if !strings.Contains(strings.Join(rows[19], "="), "AUTO RENEW=-") || strings.Join(rows[20], "=") != "TAGS=a=1, b=2" {
		t.Errorf("%v", rows)
	}
	rd = &fakeReader{subs: []api.Subscription{{ResourceID: r.ID, ExpirePolicy: 0}}}
	r.Properties.Resources = nil
	d, err = Detailed(context.Background(), rd, &r)
	if err != nil || len(rd.refs) != 0 || d.AutoRenew == nil || *d.AutoRenew || d.ServerStatus != "" {
		t.Fatalf("%+v %v", d, err)
	}
	if got, _ := json.Marshal(d.Resources); string(got) != "[]" {
		t.Errorf("resources %s", got)
	}
}

// A part that cannot be read leaves the rest: the detail comes back with a
// PartialError naming the part, with the part's exit code.
func TestDetailedPartial(t *testing.T) {
	r := example(t)
	denied := &api.Error{Op: "list subscriptions", StatusCode: 403, Code: "CBC.0151"}
	rd := &fakeReader{server: server(t), subsErr: denied}
	d, err := Detailed(context.Background(), rd, &r)
	if d == nil || d.ServerStatus != "ACTIVE" || !IsPartial(err) || exitcode.Of(err) != exitcode.Auth ||
		!strings.Contains(err.Error(), "the subscription (BSS) could not be read: list subscriptions: HTTP 403 CBC.0151") || !errors.Is(err, denied) {
		t.Fatalf("%+v %v", d, err)
	}
	gone := &api.Error{Op: "show server x", StatusCode: 404, Code: "Ecs.0114"}
	rd = &fakeReader{serverErr: gone, subsErr: denied}
	d, err = Detailed(context.Background(), rd, &r)
	if d == nil || d.ID != r.ID || exitcode.Of(err) != exitcode.Failure || !strings.Contains(err.Error(), "the server (ECS) could not be read") ||
		!strings.Contains(err.Error(), "; the subscription (BSS)") {
		t.Fatalf("%+v %v", d, err)
	}
}
