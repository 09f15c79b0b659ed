package instancecmd

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/journal"
)

// ecsChange makes one ECS call that changes servers (start, stop, reboot,
// reset-password, update) through the attempt runner (kind ecs_action):
// journaled before it is sent, with its Client-Request-Id and the
// instances it acts on (never a password), its outcome before anything
// about it is printed, and the kind's advice after an unknown outcome.
// change names it for the advice ("stop": "The stop of ID, ID in
// REGION"); what for a journal that cannot be written ("stop servers in
// ap-southeast-3").
func ecsChange(f *cmdutil.Factory, change, what, operation, region string, ids []string, send func(requestID string) attempt.Answer) attempt.Result {
	r := f.Run(attempt.Call{Kind: journal.KindECSAction, Operation: operation, Region: region, ResourceIDs: ids,
		Subject: ecsSubject(change, ids, region)}, send)
	if !r.Began {
		r.Err = fmt.Errorf("%s: %w", what, r.Err)
	}
	return r
}

// ecsSubject names an ECS change in the advice after an unknown outcome.
func ecsSubject(change string, ids []string, region string) string {
	return fmt.Sprintf("The %s of %s in %s", change, strings.Join(ids, ", "), region)
}
