package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func newPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "state", "flexusl", "orders.jsonl")
}

func purchase(name, crid string) Entry {
	return Entry{Time: time.Date(2024, 2, 28, 11, 30, 5, 0, time.UTC), Profile: "default", Kind: KindPurchase,
		Operation: "POST /v1/light-instances", RequestID: crid, Region: "ap-southeast-3", Name: name,
		Spec: "hf.large.1.30m.linux", Image: "WordPress 6.4", Quantity: 1}
}

func mustRead(t *testing.T, path string) ([]Entry, int) {
	t.Helper()
	es, skipped, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return es, skipped
}

func TestBeginFinishFold(t *testing.T) {
	path := newPath(t)
	a, err := Begin(path, purchase("web-1", "c1"))
	if err != nil {
		t.Fatal(err)
	}
	// Written and readable before the request leaves: unknown, no outcome.
	es, _ := mustRead(t, path)
	if len(es) != 1 || es[0].State != StateUnknown || !es[0].NoOutcome || es[0].RequestID != "c1" || es[0].Attempt != a.ID() {
		t.Fatalf("after Begin: %+v", es)
	}
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(`"state":"sending"`)) || !bytes.HasPrefix(raw, []byte(`{"attempt":"`+a.ID()+`"`)) {
		t.Errorf("begin record: %s", raw)
	}
	if err := a.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS1"}, ResourceIDs: []string{"i1", "i2"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := Begin(path, purchase("web-2", "c2"))
	b.Finish(Outcome{State: StateRejected, Error: "HTTP 400 HCSS.14000001"})
	Begin(path, purchase("web-3", "c3")) // killed: no outcome

	es, skipped := mustRead(t, path)
	if len(es) != 3 || skipped != 0 {
		t.Fatalf("%d entries, %d skipped: %+v", len(es), skipped, es)
	}
	if e := es[0]; e.State != StateAccepted || e.NoOutcome || e.OrderID() != "CS1" || strings.Join(e.ResourceIDs, ",") != "i1,i2" || e.Finished == nil || e.Name != "web-1" || e.Kind != KindPurchase {
		t.Errorf("accepted: %+v", e)
	}
	if e := es[1]; e.State != StateRejected || e.Error != "HTTP 400 HCSS.14000001" || e.OrderID() != "" {
		t.Errorf("rejected: %+v", e)
	}
	if e := es[2]; e.State != StateUnknown || !e.NoOutcome || e.RequestID != "c3" {
		t.Errorf("no outcome: %+v", e)
	}
	if n := Newest(es); n[0].Name != "web-3" {
		t.Errorf("newest = %+v", n[0])
	}
	if e, ok := FindOrder(es, "CS1"); !ok || e.Name != "web-1" {
		t.Errorf("FindOrder: %+v %v", e, ok)
	}
	// A later payment of the order does not hide the purchase that placed
	// it (its instances, its region); an order only paid here is found by
	// its payment.
	es2 := append(slices.Clone(es), Entry{Kind: KindPay, OrderIDs: []string{"CS1"}}, Entry{Kind: KindPay, OrderIDs: []string{"CS9"}, Region: "r9"})
	if e, ok := FindOrder(es2, "CS1"); !ok || e.Kind != KindPurchase || e.Name != "web-1" {
		t.Errorf("FindOrder after a payment: %+v %v", e, ok)
	}
	if e, ok := FindOrder(es2, "CS9"); !ok || e.Kind != KindPay || e.Region != "r9" {
		t.Errorf("FindOrder of a paid-only order: %+v %v", e, ok)
	}
	st, _ := os.Stat(path)
	dst, _ := os.Stat(filepath.Dir(path))
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Errorf("modes %o %o", st.Mode().Perm(), dst.Mode().Perm())
	}
	if err := a.Finish(Outcome{State: "done"}); err == nil {
		t.Error("a state that is not an outcome was accepted")
	}
	if _, err := Begin(path, Entry{}); err == nil {
		t.Error("an attempt without a kind was accepted")
	}
}

func TestMissingJournalIsEmpty(t *testing.T) {
	if es, skipped, err := Read(filepath.Join(t.TempDir(), "none")); err != nil || es != nil || skipped != 0 {
		t.Errorf("%v %d %v", es, skipped, err)
	}
}

func TestBeginFailsWhenItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "state"), nil, 0o600) // a file where the directory should be
	if _, err := Begin(filepath.Join(dir, "state", "orders.jsonl"), purchase("w", "c")); err == nil {
		t.Error("Begin reported success")
	}
}

// Lines of journals written before the write-ahead journal.
const oldLines = `{"time":"2024-02-28T11:30:05Z","profile":"default","region":"ap-southeast-3","name":"web-1","spec":"hf.large.1.30m.linux","image":"WordPress 6.4","quantity":1,"client_request_id":"11111111-2222-4333-8444-555555555555","order_id":"CS24022811305H1EW","instance_ids":["65dea8d23005da564c78d9d2"],"state":"accepted"}
{"time":"2024-02-28T11:40:05Z","profile":"default","region":"ap-southeast-3","name":"web-2","spec":"hf.large.1.30m.linux","image":"BT","quantity":2,"client_request_id":"22222222-2222-4333-8444-555555555555","state":"unknown","error":"HTTP 500"}
`

func TestReadsOldJournals(t *testing.T) {
	path := newPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(oldLines), 0o600)
	a, _ := Begin(path, purchase("web-3", "c3"))
	a.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS3"}})
	es, skipped := mustRead(t, path)
	if len(es) != 3 || skipped != 0 {
		t.Fatalf("%d entries %d skipped", len(es), skipped)
	}
	if e := es[0]; e.Kind != KindPurchase || e.RequestID != "11111111-2222-4333-8444-555555555555" || e.OrderID() != "CS24022811305H1EW" || e.ResourceIDs[0] != "65dea8d23005da564c78d9d2" || e.State != StateAccepted || e.NoOutcome {
		t.Errorf("old accepted: %+v", e)
	}
	if e := es[1]; e.State != StateUnknown || e.NoOutcome || e.Quantity != 2 || e.Error != "HTTP 500" {
		t.Errorf("old unknown: %+v", e)
	}
	if e, ok := FindOrder(es, "CS24022811305H1EW"); !ok || e.Name != "web-1" {
		t.Errorf("FindOrder old: %v", ok)
	}
}

// A write cut short (disk full, crash) leaves a line without a newline.
// The next writer starts on a fresh line; the reader skips the fragment and
// reads everything else.
func TestTornLineDoesNotSwallowTheNextEntry(t *testing.T) {
	path := newPath(t)
	first, _ := Begin(path, purchase("web-1", "c1"))
	first.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS1"}})
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"attempt":"0123","time":"2024-02-28T11:30:05Z","kind":"purchase","na`)
	f.Close()
	second, err := Begin(path, purchase("web-2", "c2"))
	if err != nil {
		t.Fatal(err)
	}
	second.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS2"}})
	es, skipped := mustRead(t, path)
	if len(es) != 2 || skipped != 1 || es[1].OrderID() != "CS2" || es[1].State != StateAccepted {
		t.Fatalf("%d entries %d skipped: %+v", len(es), skipped, es)
	}
}

// A journal torn by an older flexusl, whose writer did not start on a fresh
// line: the fragment and the next entry share a line. The next entry is
// still read (order show --last must not show an older order).
func TestGluedFragmentIsSkippedNextEntryRead(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(oldLines), "\n")
	for _, cut := range []int{1, 20, 60, 150, len(lines[0]) - 1} {
		data := lines[0][:cut] + lines[1] + "\n" + `{"attempt":"a1","time":"2024-02-28T12:00:00Z","kind":"purchase","state":"sending"}{"attempt":"a1","time":"2024-02-28T12:00:01Z","state":"accepted","order_ids":["CS9"]}` + "\n"
		es, skipped, err := parse(strings.NewReader(data))
		if err != nil || skipped != 1 || len(es) != 2 || es[0].Name != "web-2" || es[1].OrderID() != "CS9" {
			t.Errorf("cut %d: %d skipped %v: %+v", cut, skipped, err, es)
		}
	}
}

// A line over 1 MiB (a megabyte-sized error_msg stored whole by an older
// version) is skipped and counted; every later entry is still read.
func TestHugeLineIsSkippedNotTheRest(t *testing.T) {
	path := newPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	huge := `{"time":"2024-02-28T11:30:05Z","name":"big","state":"unknown","error":"` + strings.Repeat("x", 1200*1024) + "\"}\n"
	os.WriteFile(path, []byte(oldLines+huge+oldLines), 0o600)
	a, _ := Begin(path, purchase("after", "c"))
	a.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS-after"}})
	es, skipped := mustRead(t, path)
	if len(es) != 5 || skipped != 1 || Newest(es)[0].OrderID() != "CS-after" {
		t.Fatalf("%d entries %d skipped", len(es), skipped)
	}
}

// What a server sends is stored capped: a 1.2 MB error_msg or a million
// instance IDs cannot make a line readers choke on.
func TestOutcomesAreCapped(t *testing.T) {
	path := newPath(t)
	a, _ := Begin(path, purchase("w", "c"))
	ids := make([]string, 5000)
	for i := range ids {
		ids[i] = strings.Repeat("i", 300)
	}
	if err := a.Finish(Outcome{State: StateUnknown, Error: strings.Repeat("é", 600*1024), ResourceIDs: ids}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if len(raw) > 400*1024 {
		t.Errorf("journal is %d bytes", len(raw))
	}
	es, skipped := mustRead(t, path)
	e := es[0]
	if skipped != 0 || len(e.Error) > MaxErrorBytes || !strings.Contains(e.Error, "more bytes not stored") || !strings.HasPrefix(e.Error, "éé") {
		t.Errorf("error kept %d bytes: %.60q...", len(e.Error), e.Error)
	}
	if len(e.ResourceIDs) != MaxIDs+1 || len(e.ResourceIDs[0]) > MaxIDBytes || !strings.Contains(e.ResourceIDs[MaxIDs], "4000 more") {
		t.Errorf("%d IDs kept, first %d bytes", len(e.ResourceIDs), len(e.ResourceIDs[0]))
	}
}

func TestConcurrentAttemptsStayWhole(t *testing.T) {
	path := newPath(t)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a, err := Begin(path, purchase(fmt.Sprintf("web-%d", i), strconv.Itoa(i)))
			if err != nil {
				t.Error(err)
				return
			}
			if err := a.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS" + strconv.Itoa(i)}}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	checkWhole(t, path, 50)
}

// checkWhole: n attempts, each folded with its own outcome, no line lost.
func checkWhole(t *testing.T, path string, n int) {
	t.Helper()
	es, skipped := mustRead(t, path)
	if len(es) != n || skipped != 0 {
		t.Fatalf("%d entries, %d skipped; want %d, 0", len(es), skipped, n)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if e.State != StateAccepted || e.OrderID() != "CS"+e.RequestID || seen[e.RequestID] {
			t.Errorf("entry %+v", e)
		}
		seen[e.RequestID] = true
	}
	raw, _ := os.ReadFile(path)
	if lines := bytes.Count(raw, []byte("\n")); lines != 2*n {
		t.Errorf("%d lines, want %d", lines, 2*n)
	}
}

// Several processes writing at once: every record whole.
func TestConcurrentProcessesStayWhole(t *testing.T) {
	if os.Getenv("JOURNAL_HELPER_PATH") != "" {
		t.Skip("helper")
	}
	path := newPath(t)
	const procs, each = 6, 25
	var cmds []*exec.Cmd
	for p := 0; p < procs; p++ {
		c := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
		c.Env = append(os.Environ(), "JOURNAL_HELPER_PATH="+path, "JOURNAL_HELPER_N="+strconv.Itoa(each), "JOURNAL_HELPER_P="+strconv.Itoa(p))
		c.Stderr = os.Stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	checkWhole(t, path, procs*each)
}

func TestHelperWriter(t *testing.T) {
	path := os.Getenv("JOURNAL_HELPER_PATH")
	if path == "" {
		t.Skip("run by TestConcurrentProcessesStayWhole")
	}
	n, _ := strconv.Atoi(os.Getenv("JOURNAL_HELPER_N"))
	p := os.Getenv("JOURNAL_HELPER_P")
	for i := 0; i < n; i++ {
		id := p + "-" + strconv.Itoa(i)
		a, err := Begin(path, purchase("w", id))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Finish(Outcome{State: StateAccepted, OrderIDs: []string{"CS" + id}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnresolved(t *testing.T) {
	mk := func(kind, profile, state string) Entry { return Entry{Kind: kind, Profile: profile, State: state} }
	es := []Entry{
		mk(KindPurchase, "default", StateUnknown),  // resolved by the accepted one after it
		mk(KindPurchase, "default", StateAccepted), //
		mk(KindPurchase, "default", StateUnknown),  // 2
		mk(KindPurchase, "other", StateAccepted),   // another profile
		mk(KindRenew, "default", StateAccepted),    // another kind
		mk(KindPurchase, "default", StateUnknown),  // 5
	}
	got := Unresolved(es, KindPurchase, "default")
	if len(got) != 2 {
		t.Errorf("%+v", got)
	}
	if got := Unresolved(es, KindPurchase, "other"); len(got) != 0 {
		t.Errorf("other: %+v", got)
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}
	getenv := func(k string) string { return env[k] }
	if got, err := DefaultPath(getenv); err != nil || got != "/s/flexusl/orders.jsonl" {
		t.Error(got, err)
	}
	// The sandbox's export line moves the journal to a directory of its own.
	env[StateDirEnv] = "/s/flexusl/sandbox/127.0.0.1-8089"
	if got, err := DefaultPath(getenv); err != nil || got != "/s/flexusl/sandbox/127.0.0.1-8089/orders.jsonl" {
		t.Error(got, err)
	}
	if got, err := StateBase(getenv); err != nil || got != "/s/flexusl" {
		t.Error(got, err)
	}
	env[StateDirEnv] = "rel"
	if got, err := DefaultPath(getenv); err == nil || !strings.Contains(err.Error(), "FLEXUSL_STATE_DIR") {
		t.Errorf("relative FLEXUSL_STATE_DIR: %q %v", got, err)
	}
	delete(env, StateDirEnv)
	env["XDG_STATE_HOME"] = "relative/state" // ignored, as the XDG spec says
	if got, err := DefaultPath(getenv); err != nil || got != "/h/.local/state/flexusl/orders.jsonl" {
		t.Error(got, err)
	}
	delete(env, "XDG_STATE_HOME")
	env["HOME"] = "relative-home"
	if got, err := DefaultPath(getenv); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Errorf("relative HOME: %q %v", got, err)
	}
	delete(env, "HOME")
	t.Setenv("HOME", "") // os.UserHomeDir fails too
	if got, err := DefaultPath(getenv); err == nil || !strings.Contains(err.Error(), "set HOME or XDG_STATE_HOME") {
		t.Errorf("no HOME: %q %v", got, err)
	}
}

// FuzzRead: any bytes before the records of an attempt, written as Begin
// and Finish write them (on a fresh line), never hide it, and reading
// never fails or panics. (The file I/O of the writer is tested above; here
// it is done in memory so that the fuzzer is not slowed by fsync.)
func FuzzRead(f *testing.F) {
	f.Add([]byte(oldLines))
	f.Add([]byte(`{"attempt":"x","time":"2024-02-28T11:30:05Z","kind":"purchase","state":"sending"}` + "\n" + `{"attempt":"x","state":"accepted"`))
	f.Add([]byte(`{"time":"2024-02-28T11:30:05Z","na`))
	f.Add([]byte("\x00\xff{\"attempt\":{\"time\":[}}\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, skipped, err := parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if skipped < 0 || len(es) > len(data) {
			t.Fatalf("%d entries %d skipped from %d bytes", len(es), skipped, len(data))
		}
		e := purchase("fuzz", "fuzz-request")
		e.Attempt, e.State = "fuzz-attempt-0123456789ab", StateSending
		begin, _ := encodeRecord(e)
		outcome, _ := encodeRecord(outcomeRecord{Attempt: e.Attempt, Time: e.Time, State: StateAccepted, OrderIDs: []string{"CS-fuzz"}})
		file := append([]byte{}, data...)
		if len(file) > 0 {
			begin = onFreshLine(file[len(file)-1], begin)
		}
		file = append(append(file, begin...), outcome...)
		es2, _, err := parse(bytes.NewReader(file))
		if err != nil || len(es2) == 0 {
			t.Fatalf("%v: nothing read", err)
		}
		last := es2[len(es2)-1]
		if last.Attempt != e.Attempt || last.OrderID() != "CS-fuzz" || last.State != StateAccepted || last.Name != "fuzz" {
			t.Fatalf("the new attempt is not the last entry: %+v", last)
		}
		if _, err := json.Marshal(es2); err != nil {
			t.Fatal(err)
		}
	})
}
