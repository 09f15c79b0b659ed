package service

import (
	"net/url"
	"strings"
)

// Op names an operation: one API call flexusl makes.
type Op int

// Operations. The zero Op is no operation (an Op that was not set).
const (
	_ Op = iota
	CreateInstances
	ShowOrder
	ListOrders
	PayOrder
	CancelOrder
	Renew
	Unsubscribe
	AutoRenewOn
	AutoRenewOff
	ListSubscriptions
	ListTraffic
	SubscribeRate
	RenewRate
	ListInstances
	ShowServer
	UpdateServer
	StartServers
	StopServers
	RebootServers
	ShowJob
	ResetPasswords
	ListSecurityGroups
	ListSecurityGroupRules
	ShowSecurityGroupRule
	CreateSecurityGroupRule
	DeleteSecurityGroupRule
	GetToken
	ListProjects
	ListDomains
	numOps
)

// Operation is one row of the operations table.
type Operation struct {
	Service ID
	Method  string
	Path    string // pattern; "{x}" is a path parameter (an ID, project_id, domain_id)
	Does    string // what it does, as advice says it: "paying an order"
	// Permission is the IAM action Huawei names for the call ("" where
	// no document names one); Note adds what the documents add to it.
	Permission string
	Note       string
}

// BSS's renewal and unsubscription actions are named only as the role
// Huawei's own scripts use (LIFECYCLE.md §17).
const bssAdmin = "Huawei's own scripts use the BSS Administrator role"

// operations is the table, indexed by Op. Sources of the permissions:
// LIFECYCLE.md §17 (BSS Administrator: bss:order:*, bss:renewal:*,
// bss:unsubscribe:*; rms:resources:list; "ECS actions
// ecs:cloudServers:start etc."), NETWORK-AND-PRICES.md §2 (VPC, ECS
// ShowServer) and §13 (the rating calls).
var operations = [numOps]Operation{
	// No document names an HCSS action; hcss:instances:create is what
	// flexusl's advice has always said (a guess, kept).
	CreateInstances: {HCSS, "POST", "/v1/light-instances", "buying instances", "hcss:instances:create", ""},
	// The documents name bss:order:* only; :view and :update are flexusl's
	// reading of it (kept from its earlier advice).
	ShowOrder:   {BSS, "GET", "/v2/orders/customer-orders/details/{order_id}", "reading an order", "bss:order:view", ""},
	ListOrders:  {BSS, "GET", "/v2/orders/customer-orders", "listing orders", "bss:order:view", ""},
	PayOrder:    {BSS, "POST", "/v3/orders/customer-orders/pay", "paying an order", "bss:order:update", ""},
	CancelOrder: {BSS, "PUT", "/v2/orders/customer-orders/cancel", "cancelling an order", "bss:order:update", ""},
	Renew:       {BSS, "POST", "/v2/orders/subscriptions/resources/renew", "renewing", "bss:renewal:*", bssAdmin},
	Unsubscribe: {BSS, "POST", "/v2/orders/subscriptions/resources/unsubscribe", "unsubscribing", "bss:unsubscribe:*", bssAdmin},
	AutoRenewOn: {BSS, "POST", "/v2/orders/subscriptions/resources/autorenew/{resource_id}", "turning auto-renew on", "bss:renewal:*", bssAdmin},
	AutoRenewOff: {BSS, "DELETE", "/v2/orders/subscriptions/resources/autorenew/{resource_id}", "turning auto-renew off",
		"bss:renewal:*", bssAdmin},
	// Expiry and renewal policy: no document names its action; it is the
	// renewal's subscription query, so the renewal role.
	ListSubscriptions: {BSS, "POST", "/v2/orders/suscriptions/resources/query", "reading expiry and renewal policy", "bss:renewal:*", bssAdmin},
	// No document names the action of the data package query.
	ListTraffic: {BSS, "POST", "/v2/payments/free-resources/usages/details/query", "reading data package use", "", ""},
	SubscribeRate: {BSS, "POST", "/v2/bills/ratings/period-resources/subscribe-rate", "a price inquiry",
		"bss:discount:view", "identity policies: billing:contract:viewDiscount"},
	RenewRate: {BSS, "POST", "/v2/bills/ratings/period-resources/renew-rate", "a price inquiry",
		"bss:discount:view", "identity policies: billing:contract:viewDiscount"},
	ListInstances: {RMS, "GET", "/v1/resource-manager/domains/{domain_id}/all-resources", "listing instances", "rms:resources:list", ""},
	ShowServer:    {ECS, "GET", "/v1/{project_id}/cloudservers/{server_id}", "reading a server", "ecs:cloudServers:get", ""},
	// No document names the actions of UpdateServer, ShowJob and the
	// password reset.
	UpdateServer: {ECS, "PUT", "/v1/{project_id}/cloudservers/{server_id}", "updating a server", "", ""},
	StartServers: {ECS, "POST", "/v1/{project_id}/cloudservers/action", "starting servers", "ecs:cloudServers:start", ""},
	// "ecs:cloudServers:start etc.": stop and reboot follow its pattern.
	StopServers:    {ECS, "POST", "/v1/{project_id}/cloudservers/action", "stopping servers", "ecs:cloudServers:stop", ""},
	RebootServers:  {ECS, "POST", "/v1/{project_id}/cloudservers/action", "rebooting servers", "ecs:cloudServers:reboot", ""},
	ShowJob:        {ECS, "GET", "/v1/{project_id}/jobs/{job_id}", "reading a server job", "", ""},
	ResetPasswords: {ECS, "PUT", "/v1/{project_id}/cloudservers/os-reset-passwords", "resetting passwords", "", ""},
	// The identity-policy pages add vpc:securityGroups:list for the v1
	// listing; flexusl uses v3.
	ListSecurityGroups:      {VPC, "GET", "/v3/{project_id}/vpc/security-groups", "reading security groups", "vpc:securityGroups:get", ""},
	ListSecurityGroupRules:  {VPC, "GET", "/v3/{project_id}/vpc/security-group-rules", "reading firewall rules", "vpc:securityGroupRules:get", ""},
	ShowSecurityGroupRule:   {VPC, "GET", "/v3/{project_id}/vpc/security-group-rules/{security_group_rule_id}", "reading firewall rules", "vpc:securityGroupRules:get", ""},
	CreateSecurityGroupRule: {VPC, "POST", "/v3/{project_id}/vpc/security-group-rules", "adding a firewall rule", "vpc:securityGroupRules:create", ""},
	DeleteSecurityGroupRule: {VPC, "DELETE", "/v3/{project_id}/vpc/security-group-rules/{security_group_rule_id}", "deleting a firewall rule", "vpc:securityGroupRules:delete", ""},
	// IAM: a token request carries its own credentials; no document names
	// actions for the project and account look-ups.
	GetToken:     {IAM, "POST", "/v3/auth/tokens", "getting a token", "", ""},
	ListProjects: {IAM, "GET", "/v3/projects", "looking up projects", "", ""},
	ListDomains:  {IAM, "GET", "/v3/auth/domains", "looking up the account ID", "", ""},
}

// Ops lists every operation, in table order.
func Ops() []Op {
	out := make([]Op, 0, numOps-1)
	for o := Op(1); o < numOps; o++ {
		out = append(out, o)
	}
	return out
}

// Get is the row of o; an Op that is not in the table has an empty row.
func (o Op) Get() *Operation {
	if o <= 0 || o >= numOps {
		return &Operation{}
	}
	return &operations[o]
}

// PathOf is o's path with its parameters filled, in the order the
// pattern names them, each escaped for a path segment. {project_id} and
// {domain_id} are left for the request layer, which knows the scope of
// the credentials.
func (o Op) PathOf(params ...string) string {
	segs := strings.Split(o.Get().Path, "/")
	i := 0
	for k, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{project_id}" && seg != "{domain_id}" {
			if i < len(params) {
				segs[k] = url.PathEscape(params[i])
			}
			i++
		}
	}
	return strings.Join(segs, "/")
}

// String is o as the journal records it: "POST /v3/orders/customer-orders/pay".
func (o Op) String() string { return o.Method() + " " + o.Get().Path }

// Service is the service o calls.
func (o Op) Service() ID { return o.Get().Service }

// Method is o's HTTP method.
func (o Op) Method() string { return o.Get().Method }

// Needs is o's permission with what the documents add to it
// ("bss:discount:view (identity policies: billing:contract:viewDiscount)"),
// or "" when no document names one.
func (op *Operation) Needs() string {
	if op.Permission == "" || op.Note == "" {
		return op.Permission
	}
	return op.Permission + " (" + op.Note + ")"
}

// Hint says what permission o needs, for the advice after a 403:
// "paying an order needs bss:order:update". "" when no document names one.
func (o Op) Hint() string {
	op := o.Get()
	if op.Permission == "" {
		return ""
	}
	return op.Does + " needs " + op.Needs()
}

// Matches reports whether path (no query) fits o's pattern: each "{x}" of
// the pattern stands for one non-empty segment.
func (o Op) Matches(path string) bool {
	want := strings.Split(o.Get().Path, "/")
	got := strings.Split(path, "/")
	if len(want) != len(got) || o.Get().Path == "" {
		return false
	}
	for i := range want {
		if strings.HasPrefix(want[i], "{") && strings.HasSuffix(want[i], "}") {
			if got[i] == "" {
				return false
			}
			continue
		}
		if want[i] != got[i] {
			return false
		}
	}
	return true
}
