package service

import (
	"strings"
	"testing"
)

// Every row is filled, and no two services share a key, flag or variable.
func TestServicesAreComplete(t *testing.T) {
	seen := map[string]string{}
	for i, s := range Services {
		if s.ID != ID(i) {
			t.Errorf("row %d holds %s (ID %d)", i, s.Name, s.ID)
		}
		for what, v := range map[string]string{"name": s.Name, "key": s.Key, "flag": s.Flag, "env": s.Env, "default": s.Default, "usage": s.Usage} {
			if v == "" {
				t.Errorf("%s: no %s", s.Name, what)
			}
			if what != "usage" && what != "default" {
				if other, dup := seen[what+v]; dup {
					t.Errorf("%s and %s share the %s %s", s.Name, other, what, v)
				}
				seen[what+v] = s.Name
			}
		}
		if !strings.HasPrefix(s.Default, "https://") || !strings.HasPrefix(s.Env, "FLEXUSL_") {
			t.Errorf("%s: default %s, env %s", s.Name, s.Default, s.Env)
		}
		if strings.Contains(s.Usage, "{region}") != s.PerRegion() {
			t.Errorf("%s: the usage must say that {region} is replaced exactly when the default has it", s.Name)
		}
	}
	if got := EnvAll("u"); len(got) != len(Services) || got["FLEXUSL_VPC_ENDPOINT"] != "u" {
		t.Errorf("EnvAll: %v", got)
	}
	if ID(99).Name() != "the service" || VPC.Name() != "VPC" {
		t.Error("Name")
	}
}

// Every operation has its service, method and path; a permission, when
// named, is a service:resource:action of its own service (BSS's rating
// calls name billing: in the note).
func TestOperationsAreComplete(t *testing.T) {
	prefix := map[ID]string{HCSS: "hcss:", BSS: "bss:", RMS: "rms:", ECS: "ecs:", VPC: "vpc:", IAM: "iam:"}
	for _, o := range Ops() {
		op := o.Get()
		if op.Method == "" || !strings.HasPrefix(op.Path, "/") || op.Does == "" || int(op.Service) >= len(Services) {
			t.Errorf("op %d: %+v", o, op)
		}
		if op.Permission != "" && (!strings.HasPrefix(op.Permission, prefix[op.Service]) || strings.Count(op.Permission, ":") != 2) {
			t.Errorf("%s %s: permission %q is not an action of %s", op.Method, op.Path, op.Permission, op.Service.Name())
		}
		if (op.Permission == "") != (o.Hint() == "") || (op.Permission != "" && !strings.HasSuffix(o.Hint(), op.Needs())) {
			t.Errorf("%s %s: hint %q", op.Method, op.Path, o.Hint())
		}
	}
	if len(Ops()) != int(numOps)-1 || Op(0).Get().Method != "" || numOps.Get().Method != "" {
		t.Error("Ops or Get out of range")
	}
	if got := SubscribeRate.Get().Needs(); got != "bss:discount:view (identity policies: billing:contract:viewDiscount)" {
		t.Errorf("Needs: %q", got)
	}
	if got := PayOrder.Hint(); got != "paying an order needs bss:order:update" {
		t.Errorf("Hint: %q", got)
	}
}

func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		op   Op
		path string
		want bool
	}{
		{ShowOrder, "/v2/orders/customer-orders/details/CS1", true},
		{ShowOrder, "/v2/orders/customer-orders/details/", false},
		{ShowOrder, "/v2/orders/customer-orders/details/CS1/x", false},
		{ShowServer, "/v1/{project_id}/cloudservers/abc", true},
		{ShowServer, "/v1/p/cloudservers/abc", true},
		{ListOrders, "/v2/orders/customer-orders", true},
		{CreateInstances, "/v1/light-instance", false},
		{Op(0), "", false},
	} {
		if got := tt.op.Matches(tt.path); got != tt.want {
			t.Errorf("%d %s: %v", tt.op, tt.path, got)
		}
	}
}

func TestPathOf(t *testing.T) {
	for _, tt := range []struct {
		op     Op
		params []string
		want   string
	}{
		{CancelOrder, nil, "/v2/orders/customer-orders/cancel"},
		{ShowOrder, []string{"CS1"}, "/v2/orders/customer-orders/details/CS1"},
		{UpdateServer, []string{"a/b"}, "/v1/{project_id}/cloudservers/a%2Fb"},
		{ListInstances, nil, "/v1/resource-manager/domains/{domain_id}/all-resources"},
		{DeleteSecurityGroupRule, []string{"r-1"}, "/v3/{project_id}/vpc/security-group-rules/r-1"},
	} {
		if got := tt.op.PathOf(tt.params...); got != tt.want {
			t.Errorf("%v%v: %s, want %s", tt.op, tt.params, got, tt.want)
		}
	}
}
