package instancecmd_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	var purchases int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/v3/projects":
			io.WriteString(w, `{"projects":[{"id":"0123456789abcdef0123456789abcdef","name":"ap-southeast-3"}]}`)
		case "/v2/bills/ratings/period-resources/subscribe-rate":
			w.Write(answer)
		case "/v1/light-instances":
			purchases++
			w.WriteHeader(202)
			io.WriteString(w, `{"order_id":"CS24022811305H1EW","instance_ids":["65dea8d23005da564c78d9d2"]}`)
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	h := &harness{url: srv.URL}
	_, errOut, code := h.run(t, true, "n\n", valid...)
	if code != 2 || purchases != 0 {
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
	if code != 0 || purchases != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Price.Currency != "USD"+hostile || res.Price.Discount != "d"+hostile || res.Price.Amount != 15 {
		t.Errorf("exit %d, %d purchases\n%s\n%s", code, purchases, out, errOut)
	}
}
