package sandbox

import (
	"net/http"
	"strings"

	"github.com/flexusl/flexusl/pkg/purchase"
)

// Paths of the purchase API (HCSS).
const pathCreate = "/v1/light-instances"

// createResult is the purchase's answer (testdata/wire/hcss/create-light-instances.response.json).
type createResult struct {
	OrderID     string   `json:"order_id"`
	InstanceIDs []string `json:"instance_ids"`
}

// create places a purchase order, validated exactly as the purchase page
// says (package purchase and the catalog): 202 with the order ID and the
// instance IDs to be.
func (s *Server) create(c *call) {
	crid := c.r.Header.Get("Client-Request-Id")
	if p := purchase.CheckClientRequestID(crid); p != nil {
		c.fail(http.StatusBadRequest, "HCSS.14000001", "Invalid parameter: "+p.Error())
		return
	}
	req, ps := purchase.Decode(c.body)
	if len(ps) == 0 {
		ps = req.Validate(s.opts.Catalog, purchase.Options{})
	}
	if len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = p.Error()
		}
		c.fail(http.StatusBadRequest, "HCSS.14000001", "Invalid parameter: "+strings.Join(msgs, "; "))
		return
	}
	req.Normalize(s.opts.Catalog)
	periodType := periodMonth
	if req.PeriodType == purchase.PeriodYear {
		periodType = periodYear
	}
	o := &order{Type: orderNew, ClientRequestID: crid, Request: req, Region: req.Region, PeriodType: periodType,
		PeriodNum: req.PeriodNum, Created: c.now,
		Amount: price(s.monthly(req.PlanSpec, req.ExtraResources), periodType, req.PeriodNum, req.Quantity())}
	if req.AutoPay() {
		o.Paid = c.now
	}
	s.mu.Lock()
	s.advance(c.now)
	for i := 0; i < req.Quantity(); i++ {
		o.Resources = append(o.Resources, randomHex(12))
	}
	s.addOrder(o)
	s.mu.Unlock()
	c.json(http.StatusAccepted, createResult{OrderID: o.ID, InstanceIDs: o.Resources})
}
