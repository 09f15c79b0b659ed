package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/output"
)

// DryRunRequest is one request as --dry-run prints it: what would be sent,
// credentials reading REDACTED.
type DryRunRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"` // the exact bytes; null without a body
}

// DryRunRequestID is the Client-Request-Id a dry run shows where the real
// run makes one anew (every at-most-once call sends a fresh one).
const DryRunRequestID = "CLIENT-REQUEST-ID"

// DryRunOf is p as --dry-run shows it.
func (f *Factory) DryRunOf(p *api.Prepared) DryRunRequest {
	hdr := api.RedactHeaders(p.Header)
	if cr, err := f.Credentials(); err == nil && cr.Mode == auth.ModeAKSK {
		hdr.Set("Authorization", "REDACTED") // SDK-HMAC-SHA256 over these headers and the body
	} else {
		hdr.Set("X-Auth-Token", "REDACTED")
	}
	headers := map[string]string{}
	for k := range hdr {
		headers[k] = hdr.Get(k)
	}
	d := DryRunRequest{Method: p.Method, URL: p.URL, Headers: headers}
	if p.Body != nil {
		d.Body = json.RawMessage(p.Body)
	}
	return d
}

// PrintDryRuns prints requests that are not sent: with -o json/yaml (and
// --jq, --template, --columns) an array of {"method","url","headers","body"};
// as a table each request as text (method and URL, headers, body), what on
// stderr.
func (f *Factory) PrintDryRuns(what string, ps []*api.Prepared) error {
	format, err := f.OutputFormat()
	if err != nil {
		return err
	}
	views := make([]DryRunRequest, len(ps))
	for i, p := range ps {
		views[i] = f.DryRunOf(p)
	}
	if s, _ := f.Shape(); s != nil || format != output.Table {
		return f.Print(views, nil)
	}
	f.IO.Infof("Dry run: nothing is sent. %s would take %d request(s):", what, len(ps))
	for i, v := range views {
		if i > 0 {
			fmt.Fprintln(f.IO.Out)
		}
		if err := WriteDryRun(f.IO.Out, v); err != nil {
			return err
		}
	}
	return nil
}

// WriteDryRun writes one request as text: method and URL, the headers in
// name order, a blank line and the body.
func WriteDryRun(w io.Writer, v DryRunRequest) error {
	fmt.Fprintf(w, "%s %s\n", v.Method, v.URL)
	names := make([]string, 0, len(v.Headers))
	for k := range v.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, "%s: %s\n", k, v.Headers[k])
	}
	if v.Body == nil {
		return nil
	}
	fmt.Fprintln(w)
	return output.WriteJSON(w, v.Body)
}
