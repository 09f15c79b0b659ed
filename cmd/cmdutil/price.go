package cmdutil

import (
	"context"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/price"
)

// PriceNotAsked says why no price inquiry was made in a dry run without
// credentials (a dry run needs none).
const PriceNotAsked = "not asked: no credentials (a dry run needs none; log in to see the price)"

// NoPriceFlagUsage is the help of --no-price on the commands that ask.
const NoPriceFlagUsage = "do not ask BSS for the price first (no rating call is sent)"

// PriceClient is the client a price inquiry goes out with: the run's own
// (retries not announced: a price is not worth a warning), or nil with the
// reason when a dry run has no credentials.
func (f *Factory) PriceClient(dryRun bool) (*api.Client, string, error) {
	c, err := f.APIClient()
	if err != nil {
		if dryRun {
			return nil, PriceNotAsked, nil
		}
		return nil, "", err
	}
	return c.WithNotify(nil), "", nil
}

// Inquire runs a price inquiry within price.Timeout. It is a read:
// nothing is journaled, and its failure is the caller's to show as "price:
// not available (why)". No spinner: it runs before a confirmation, and
// nothing printed before a prompt may hold a control character.
func Inquire[T any](ctx context.Context, ask func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, price.Timeout)
	defer cancel()
	return ask(ctx)
}

// PriceText is a price or why there is none, for "price: ..." lines.
func PriceText(text string, err error) string {
	if err != nil {
		return "not available (" + price.Why(err) + ")"
	}
	return text
}
