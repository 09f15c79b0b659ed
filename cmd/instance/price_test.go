package instancecmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

// A hostile billing service cannot write on the terminal through the price:
// its currency, discount name and error text are shown escaped, one line,
// in the confirmation; the JSON result keeps the values exactly.
func TestPriceTextIsEscaped(t *testing.T) {
	answer, _ := json.Marshal(map[string]any{
		"currency": "USD" + hostile,
		"official_website_rating_result": map[string]any{"official_website_amount": 20, "measure_id": 1,
			"product_rating_results": []any{map[string]any{"id": "1", "official_website_amount": 20, "measure_id": 1}}},
		"optional_discount_rating_results": []any{map[string]any{"discount_name": "d" + hostile, "best_offer": 1, "amount": 15, "official_website_amount": 20,
			"discount_amount": 5, "measure_id": 1}},
	})
	h := newHarness(t).accept()
	h.reg.Register(apitest.REST("GET", "/v3/projects"), apitest.String(200, `{"projects":[{"id":"0123456789abcdef0123456789abcdef","name":"ap-southeast-3"}]}`)).Persist()
	h.reg.Register(apitest.REST("POST", "/v2/bills/ratings/period-resources/subscribe-rate"), apitest.Bytes(200, answer)).Persist()
	_, errOut, code := h.run(t, true, "n\n", valid...)
	if purchases := h.purchases(); code != 2 || purchases != 0 {
		t.Fatalf("exit %d, %d purchases\n%s", code, purchases, errOut)
	}
	noControls(t, "confirmation", errOut)
	if !strings.Contains(errOut, "  Price:       15.00 USD^[[2J^[[H^MQuantity: 1^[]0;title^G^[[31m^H (list price 20.00 USD^[[2J") || strings.Count(errOut, "\n  Quantity:") != 1 {
		t.Errorf("confirmation:\n%s", errOut)
	}
	out, errOut, code := h.run(t, false, "", with("--yes", "-o", "json")...)
	noControls(t, "stderr", errOut)
	var res struct {
		Price struct {
			Currency string  `json:"currency"`
			Amount   float64 `json:"amount"`
			Discount string  `json:"discount"`
		} `json:"price"`
	}
	if purchases := h.purchases(); code != 0 || purchases != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Price.Currency != "USD"+hostile || res.Price.Discount != "d"+hostile || res.Price.Amount != 15 {
		t.Errorf("exit %d, %d purchases\n%s\n%s", code, purchases, out, errOut)
	}
}
