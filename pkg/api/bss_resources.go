package api

// A stand-in for the #13 helper's pkg/api/bss.go (branch i13), which is not
// in main yet: the same exported names (Subscription,
// ListPayPerUseCustomerResources) with the fields `instance show` reads.
// When bss.go lands in main, this file and its test are deleted and the
// callers compile against bss.go unchanged.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/flexusl/flexusl/pkg/auth"
)

// subscriptionsPath is BSS ListPayPerUseCustomerResources (LIFECYCLE §12);
// Huawei spells it "suscriptions".
const subscriptionsPath = "/v2/orders/suscriptions/resources/query"

// maxSubscriptionIDs is the most resource_ids one query takes.
const maxSubscriptionIDs = 50

// ExpireAutoRenew is the expire_policy of a resource that renews itself.
const ExpireAutoRenew = 3

// Subscription is one yearly/monthly resource as BSS records it
// (ListPayPerUseCustomerResources data[]).
type Subscription struct {
	ID               string `json:"id"`
	ResourceID       string `json:"resource_id"`
	ResourceName     string `json:"resource_name"`
	RegionCode       string `json:"region_code"`
	ServiceTypeCode  string `json:"service_type_code"`
	ResourceTypeCode string `json:"resource_type_code"`
	ResourceSpecCode string `json:"resource_spec_code"`
	ProjectID        string `json:"project_id"`
	ParentResourceID string `json:"parent_resource_id"`
	IsMainResource   int    `json:"is_main_resource"`
	Status           int    `json:"status"` // 2 in use, 3 closed, 4 frozen, 5 expired
	EffectiveTime    string `json:"effective_time"`
	ExpireTime       string `json:"expire_time"`
	ExpirePolicy     int    `json:"expire_policy"` // 3 = auto-renew
	ProductSpecDesc  string `json:"product_spec_desc"`
	UpdateTime       string `json:"update_time"`
}

type subscriptionsQuery struct {
	ResourceIDs      []string `json:"resource_ids"`
	OnlyMainResource int      `json:"only_main_resource"`
	Offset           int      `json:"offset"`
	Limit            int      `json:"limit"`
}

// ListPayPerUseCustomerResources reads the subscriptions (effective and
// expiry time, renewal policy) of FlexusL instances by instance ID: main
// resources only, at most 50 IDs a call, every page. It never sends an
// empty ID list (BSS would answer with the whole account). BSS returns
// only provisioned resources: an unknown ID is simply absent.
func (c *Client) ListPayPerUseCustomerResources(ctx context.Context, resourceIDs []string) ([]Subscription, error) {
	seen := map[string]bool{}
	var ids []string
	for _, id := range resourceIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("list subscriptions: no resource IDs given")
	}
	var out []Subscription
	for start := 0; start < len(ids); start += maxSubscriptionIDs {
		chunk := ids[start:min(start+maxSubscriptionIDs, len(ids))]
		for offset := 0; ; {
			body, err := json.Marshal(subscriptionsQuery{ResourceIDs: chunk, OnlyMainResource: 1, Offset: offset, Limit: maxSubscriptionIDs})
			if err != nil {
				return nil, err
			}
			op := &Op{Name: "list subscriptions", Service: BSS, Method: http.MethodPost, Path: subscriptionsPath, Body: body, Scope: auth.ScopeDomain}
			var page struct {
				TotalCount int            `json:"total_count"`
				Data       []Subscription `json:"data"`
			}
			if _, err := c.DoJSON(ctx, op, Idempotent, &page); err != nil {
				return nil, err
			}
			out = append(out, page.Data...)
			offset += len(page.Data)
			if len(page.Data) == 0 || offset >= page.TotalCount {
				break
			}
		}
	}
	return out, nil
}
