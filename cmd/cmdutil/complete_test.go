package cmdutil

import (
	"reflect"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/cache"
	"github.com/flexusl/flexusl/pkg/journal"
)

// Completion reflects the latest listing: what the journal says happened
// before it is already there (or rightly gone); what happened since is
// added (purchases) or removed (unsubscriptions).
func TestCompletableReflectsTheLatestListing(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 12, 4, h, 0, 0, 0, time.UTC) }
	st := cache.State{
		Instances: []cache.Instance{{ID: "a", Name: "web-a", Region: "r1"}, {ID: "b", Name: "web-b", Region: "r1"}, {ID: "x", Name: "web-x", Region: "r2"}},
		Listed:    map[string]time.Time{"r1": at(10)},
	}
	entries := []journal.Entry{
		// Before r1's listing: a purchase whose instance the listing does
		// not hold (cancelled, never created, or deleted since), and an
		// unsubscription the listing contradicts (b is still there).
		{Time: at(9), Kind: journal.KindPurchase, State: journal.StateAccepted, Region: "r1", Name: "never", ResourceIDs: []string{"c"}},
		{Time: at(9), Kind: journal.KindUnsubscribe, State: journal.StateAccepted, Region: "r1", ResourceIDs: []string{"b"}},
		// After it: a purchase (offered), an unsubscription of a (dropped),
		// purchases that were not taken (not offered).
		{Time: at(11), Kind: journal.KindPurchase, State: journal.StateAccepted, Region: "r1", Name: "new", ResourceIDs: []string{"d"}},
		{Time: at(11), Kind: journal.KindUnsubscribe, State: journal.StateAccepted, Region: "r1", ResourceIDs: []string{"a"}},
		{Time: at(12), Kind: journal.KindPurchase, State: journal.StateRejected, Region: "r1", Name: "no", ResourceIDs: []string{"e"}},
		{Time: at(12), Kind: journal.KindPurchase, State: journal.StateUnknown, Region: "r1", Name: "lost", ResourceIDs: []string{"f"}},
		// A region never listed: the journal decides; x deleted there.
		{Time: at(1), Kind: journal.KindUnsubscribe, State: journal.StateAccepted, Region: "r2", ResourceIDs: []string{"x"}},
	}
	var ids []string
	for _, in := range Completable(st, entries) {
		ids = append(ids, in.ID)
	}
	if want := []string{"b", "d"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("offered %v, want %v", ids, want)
	}
	// A listing of every region covers r2 too: x, listed after its
	// unsubscription, is back.
	st.Listed[""] = at(2)
	ids = nil
	for _, in := range Completable(st, entries) {
		ids = append(ids, in.ID)
	}
	if want := []string{"b", "x", "d"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("offered %v, want %v", ids, want)
	}
}
