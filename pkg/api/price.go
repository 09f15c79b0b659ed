package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// Per-call limits of the rating calls.
const (
	MaxRateProducts = 100 // product_infos of one subscribe-rate call
	MaxRenewRateIDs = 10  // resource_ids of one renew-rate call
)

// FlexusL's product codes as console replays send them (§17: UNVERIFIED;
// no Huawei document lists them).
const (
	ServiceTypeHCSS        = "hws.service.type.hcss"
	ResourceTypeHECSFusion = "hws.resource.type.hecsfusion"
)

// Operation names of the rating calls (errors and --debug say them).
const (
	OpSubscribeRate = "price inquiry (subscribe-rate)"
	OpRenewRate     = "price inquiry (renew-rate)"
)

// Error codes of the rating calls that callers tell apart (§14-§15).
const (
	CodeProductNotFound = "CBC.99006006" // wrong service/resource type, region or spec
)

// MeasureMainUnit is measure_id 1: amounts in the currency's main unit
// (dollars, yuan). No other unit is documented for the rating calls.
const MeasureMainUnit = 1

// PeriodProductInfo is one product to price (ListRateOnPeriodDetail
// product_infos[], the SDK's PeriodProductInfo).
type PeriodProductInfo struct {
	ID               string `json:"id"` // unique in the request; echoed in the answer
	CloudServiceType string `json:"cloud_service_type"`
	ResourceType     string `json:"resource_type"`
	ResourceSpec     string `json:"resource_spec"`
	Region           string `json:"region"`
	AvailableZone    string `json:"available_zone,omitempty"`
	ResourceSize     *int   `json:"resource_size,omitempty"`
	SizeMeasureID    *int   `json:"size_measure_id,omitempty"`
	PeriodType       int    `json:"period_type"` // RenewMonth (2) or RenewYear (3)
	PeriodNum        int    `json:"period_num"`
	SubscriptionNum  int    `json:"subscription_num"`
}

// RateOnPeriodRequest is ListRateOnPeriodDetail's body.
type RateOnPeriodRequest struct {
	ProjectID    string              `json:"project_id"`
	ProductInfos []PeriodProductInfo `json:"product_infos"`
}

// ProductRating is one product's figures in a rating answer.
type ProductRating struct {
	ID                    string `json:"id"`
	ProductID             string `json:"product_id"`
	OfficialWebsiteAmount Amount `json:"official_website_amount"`
	Amount                Amount `json:"amount"`          // discount results only
	DiscountAmount        Amount `json:"discount_amount"` // discount results only
	MeasureID             Int    `json:"measure_id"`
}

// DiscountRating is one discount the account may use
// (optional_discount_rating_results[]). Amount is the list price less
// DiscountAmount.
type DiscountRating struct {
	DiscountID            string          `json:"discount_id"`
	DiscountType          Int             `json:"discount_type"`
	DiscountName          string          `json:"discount_name"`
	BestOffer             Int             `json:"best_offer"` // 1: the best of the list
	Amount                Amount          `json:"amount"`
	OfficialWebsiteAmount Amount          `json:"official_website_amount"`
	DiscountAmount        Amount          `json:"discount_amount"`
	MeasureID             Int             `json:"measure_id"`
	ProductRatingResults  []ProductRating `json:"product_rating_results"`
}

// OfficialRating is the list price of the whole request.
type OfficialRating struct {
	OfficialWebsiteAmount Amount          `json:"official_website_amount"`
	MeasureID             Int             `json:"measure_id"`
	ProductRatingResults  []ProductRating `json:"product_rating_results"`
}

// RateOnPeriodResult is ListRateOnPeriodDetail's answer.
type RateOnPeriodResult struct {
	OfficialWebsiteRatingResult   OfficialRating   `json:"official_website_rating_result"`
	OptionalDiscountRatingResults []DiscountRating `json:"optional_discount_rating_results"`
	Currency                      string           `json:"currency"` // "" means USD (bssintl SDK)
}

// RenewRateRequest is ListRenewRateOnPeriod's body.
type RenewRateRequest struct {
	ResourceIDs              []string `json:"resource_ids"`
	PeriodType               int      `json:"period_type"` // RenewMonth or RenewYear
	PeriodNum                int      `json:"period_num"`
	IncludeRelativeResources bool     `json:"include_relative_resources"`
}

// RenewInquiryResult is one primary resource's renewal price (attached
// resources included when asked for).
type RenewInquiryResult struct {
	ResourceID string `json:"resource_id"`
	Amount     Amount `json:"amount"`
}

// RenewRateResult is ListRenewRateOnPeriod's answer.
type RenewRateResult struct {
	Currency                      string               `json:"currency"`
	RenewInquiryResults           []RenewInquiryResult `json:"renew_inquiry_results"`
	OfficialWebsiteRatingResult   OfficialRating       `json:"official_website_rating_result"`
	OptionalDiscountRatingResults []DiscountRating     `json:"optional_discount_rating_results"`
	FailResourceInfos             []FailResourceInfo   `json:"fail_resource_infos"`
	ErrorCode                     string               `json:"error_code"` // only on failure (BSS-renew)
	ErrorMsg                      string               `json:"error_msg"`
}

// ListRateOnPeriodDetail prices new subscriptions: 1 to 100 products in one
// call. region names the project whose ID the body carries (any project of
// the account will do, §14). Nothing is sent when the list is empty, too
// long, or repeats an ID.
func (c *Client) ListRateOnPeriodDetail(ctx context.Context, region string, infos []PeriodProductInfo) (*RateOnPeriodResult, error) {
	if len(infos) == 0 || len(infos) > MaxRateProducts {
		return nil, fmt.Errorf("%s: %d products: 1 to %d per call (nothing was sent)", OpSubscribeRate, len(infos), MaxRateProducts)
	}
	seen := map[string]bool{}
	for i, p := range infos {
		if p.ID == "" || len(p.ID) > 64 || seen[p.ID] {
			return nil, fmt.Errorf("%s: product_infos[%d].id %q: must be 1 to 64 characters and unique (nothing was sent)", OpSubscribeRate, i, p.ID)
		}
		seen[p.ID] = true
	}
	project, err := c.projectID(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("%s: the project ID of %s: %w", OpSubscribeRate, region, err)
	}
	body, err := json.Marshal(RateOnPeriodRequest{ProjectID: project, ProductInfos: infos})
	if err != nil {
		return nil, err
	}
	op := &Op{Name: OpSubscribeRate, Call: service.SubscribeRate, Path: service.SubscribeRate.PathOf(), Body: body, Scope: auth.ScopeDomain}
	var res RateOnPeriodResult
	if _, err := c.DoJSON(ctx, op, Idempotent, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// ListRenewRateOnPeriod prices the renewal of 1 to 10 primary resources
// (FlexusL instance IDs) in one call. Per-resource refusals come back in
// FailResourceInfos; an answer that carries only error_code is an *Error.
func (c *Client) ListRenewRateOnPeriod(ctx context.Context, r RenewRateRequest) (*RenewRateResult, error) {
	if len(r.ResourceIDs) == 0 || len(r.ResourceIDs) > MaxRenewRateIDs {
		return nil, fmt.Errorf("%s: %d resource IDs: 1 to %d per call (nothing was sent)", OpRenewRate, len(r.ResourceIDs), MaxRenewRateIDs)
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	op := &Op{Name: OpRenewRate, Call: service.RenewRate, Path: service.RenewRate.PathOf(), Body: body, Scope: auth.ScopeDomain}
	var res RenewRateResult
	resp, err := c.DoJSON(ctx, op, Idempotent, &res)
	if err != nil {
		return nil, err
	}
	if res.ErrorCode != "" && len(res.RenewInquiryResults) == 0 && len(res.FailResourceInfos) == 0 {
		return nil, &Error{Op: OpRenewRate, Call: service.RenewRate, StatusCode: resp.Status, Code: capText(res.ErrorCode), Message: capText(res.ErrorMsg), RequestID: resp.RequestID}
	}
	return &res, nil
}

// IsProductNotFound reports whether err is BSS saying it has no product for
// what was priced (CBC.99006006).
func IsProductNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeProductNotFound
}
