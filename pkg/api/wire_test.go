package api

import (
	"context"
	"net/http"
	"testing"
)

// Every service's documented error example decodes to its code, message
// and request ID.
func TestWireErrors(t *testing.T) {
	tests := []struct {
		file, code, msg, rid string
	}{
		{"hcss/error.json", "HCSS.14000001", "Invalid parameter.", "d4e8a1c5b37f4f2e9c0a6b1d2e3f4a5b"},
		{"apigw/error.json", "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute", "d4e8c3f1a2b34c5d6e7f8091a2b3c4d5"},
		{"bss/error.json", "CBC.99003106", "The order status has changed and no payment can be made.", "hdr"},
		{"ecs/error.json", "Ecs.0114", "Instance[abc] could not be found.", "hdr"},
		{"iam/error.json", "401", "The username or password is wrong.", "hdr"},
		{"rms/error.json", "RMS.00010001", "Invalid parameter: limit must be an integer from 1 to 200.", "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a"},
	}
	for _, tt := range tests {
		e := decodeError("op", 400, http.Header{"X-Request-Id": {"hdr"}}, wire(t, tt.file))
		if e.Code != tt.code || e.Message != tt.msg || e.RequestID != tt.rid {
			t.Errorf("%s: %+v", tt.file, e)
		}
	}
}

// IAM's documented answers: the project list (with domain_id) and a token.
func TestWireIAM(t *testing.T) {
	var ps struct {
		Projects []Project `json:"projects"`
	}
	if err := DecodeJSON(wire(t, "iam/projects.response.json"), &ps); err != nil {
		t.Fatal(err)
	}
	if p := ps.Projects[0]; p.ID != "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b" || p.Name != "ap-southeast-3" || p.DomainID != "0a1b2c3d4e5f60718293a4b5c6d7e8f9" || !p.Enabled {
		t.Errorf("%+v", p)
	}
	token := wire(t, "iam/token.response.json")
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", "tok")
		w.WriteHeader(201)
		w.Write(token)
	})
	c, _ := newClient(srv.URL, nil)
	tok, err := c.IssueToken(context.Background(), "a", "u", "p", "ap-southeast-3")
	if err != nil || tok.Value != "tok" || tok.ExpiresAt.Format("2006-01-02T15:04:05Z") != "2025-01-26T10:51:12Z" {
		t.Errorf("%+v %v", tok, err)
	}
}

// The purchase's documented answer.
func TestWireCreate(t *testing.T) {
	var r CreateResult
	if err := DecodeJSON(wire(t, "hcss/create-light-instances.response.json"), &r); err != nil || r.OrderID != "CS24022811305H1EW" || len(r.InstanceIDs) != 1 {
		t.Errorf("%+v %v", r, err)
	}
}
