package problem

import "testing"

func TestProblemError(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"required without a value", Problem{Field: "region", Reason: "is required"}, "region: is required"},
		{"required with more words", Problem{Field: "plan_spec", Reason: "is required: 2 versions"}, "plan_spec: is required: 2 versions"},
		{"bad value", Problem{Field: "count", Value: "0", Reason: "must be at least 1"}, `count "0": must be at least 1`},
		{"empty value not required", Problem{Field: "name", Reason: "must not be empty"}, `name "": must not be empty`},
		{"allowed", Problem{Field: "type", Value: "x", Reason: "is not an image type", Allowed: []string{"application", "os"}}, `type "x": is not an image type; allowed: application, os`},
		{"suggestions", Problem{Field: "type", Value: "app", Reason: "is not an image type", Allowed: []string{"application", "os"}, Suggestions: []string{"application", "os"}},
			`type "app": is not an image type; allowed: application, os; did you mean application or os?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProblemsRender(t *testing.T) {
	ps := Problems{
		{Field: "region", Reason: "is required"},
		{Field: "plan_spec", Value: "x", Reason: "is not a FlexusL spec code"},
	}
	if got, want := ps.Error(), "region: is required\nplan_spec \"x\": is not a FlexusL spec code"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	label := func(f string) string {
		if f == "region" {
			return "--region (region)"
		}
		return f
	}
	if got, want := ps.Render(label), "--region (region): is required\nplan_spec \"x\": is not a FlexusL spec code"; got != want {
		t.Errorf("Render(label) = %q, want %q", got, want)
	}
	if ps[0].Field != "region" {
		t.Errorf("Render changed the problem's field to %q", ps[0].Field)
	}
	if got := (Problems{}).Error(); got != "" {
		t.Errorf("empty Problems = %q, want empty", got)
	}
}
