package cmdutil

import (
	"errors"
	"net/http"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// Advice is what to tell the user about a failure, beyond the error itself.
// API errors carry no CLI advice (pkg/api knows nothing of commands): it is
// decided here, once for every command.
func Advice(err error) string {
	if a, ok := exitcode.AdviceOf(err); ok {
		return a
	}
	if api.IsUnknownOutcome(err) {
		return "Do not repeat the command until you know what happened: check the current state in the console (or with flexusl's show and list commands)."
	}
	var e *api.Error
	if !errors.As(err, &e) {
		var r *api.RedirectError
		if errors.As(err, &r) {
			return "the endpoint answered with a redirect: check --endpoint and the other *_endpoint settings (flexusl config list)"
		}
		return ""
	}
	switch {
	case e.Code == "HCSS.14000001":
		return "the server rejected a parameter (see the message); the catalog may be older than the service: check `flexusl specs list` or pass --catalog"
	case e.Code == "HCSS.14000010":
		return "this spec is sold out in the region: try another spec (`flexusl specs list --image ...`) or another region"
	case e.Code == "HCSS.14000011":
		return "your account's quota is used up: lower --quantity or raise the quota in the console"
	case e.Code == "HCSS.14290001" || e.Code == "APIGW.0308" || e.StatusCode == http.StatusTooManyRequests:
		return "rate limited: the service did not take the request; wait a minute before running the command again"
	case e.Op == "get token" && e.StatusCode == http.StatusUnauthorized:
		return "check the account name, user name and password (IAM refused them)"
	case e.Code == "APIGW.0301" || e.Code == "CBC.0154" || e.StatusCode == http.StatusUnauthorized:
		return "the token is invalid, expired or for another region: run `flexusl auth login` (or check the AK/SK)"
	case e.Code == "Ecs.0114":
		return "the server was not found in that region: check the instance with `flexusl instance show`"
	case e.StatusCode == http.StatusForbidden:
		return "the credentials lack permission for this call (" + permissionFor(e.Call) + ")"
	case e.StatusCode >= 500:
		return "the service failed while reading; nothing was changed"
	}
	return ""
}

// permissionFor names the IAM permission an operation needs, as far as
// Huawei documents it: the service table's row (pkg/service).
func permissionFor(op service.Op) string {
	if h := op.Hint(); h != "" {
		return h
	}
	return "see the policy of the service named in the error"
}

// WithAdvice attaches the advice a command gives for err
// (exitcode.WithAdvice). It keeps err's exit code.
func WithAdvice(err error, advice string) error { return exitcode.WithAdvice(err, advice) }

// WarnErrors prints, as warnings each followed by its advice, the errors
// of a command that sent several requests that do not decide its exit
// code: an unknown outcome's "do not run the command again" is printed
// whichever error decides it.
func WarnErrors(f *Factory, errs []error) {
	for _, e := range errs {
		f.IO.Warnf("%s", e)
		if a := Advice(e); a != "" {
			f.IO.Infof("Hint: %s", a)
		}
	}
}
