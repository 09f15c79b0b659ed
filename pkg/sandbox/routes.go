package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/flexusl/flexusl/pkg/service"
)

// apiRoute is one API route: the one place it is declared. The router
// registers it, the control API takes its name for faults, and `flexusl
// sandbox --help` (and so docs/reference) lists it (see APIRoutes).
type apiRoute struct {
	method string
	path   string // http.ServeMux pattern path
	name   string // route name: faults are queued per name, the log shows it
	svc    svcID  // the service: its error shape
	scope  scope
	op     service.Op // the client's operation (its IAM permission); 0 when flexusl does not call it
	help   string     // one line for --help
	handle func(*Server, *call)
}

// apiRoutes is the router's table, in the order --help lists it. A
// function, not a variable: the handlers it names may refer to Routes.
func apiRoutes() []apiRoute {
	return []apiRoute{
		{"POST", pathCreate, RouteCreate, svcHCSS, scopeProject, service.CreateInstances, "purchase, validated as the page says", (*Server).create},

		{"GET", pathOrderDetails + "{order_id}", RouteOrder, svcBSS, scopeDomain, service.ShowOrder,
			"order: 3 processing -> 5 completed after --complete-after; 6 pending payment", (*Server).showOrder},
		{"GET", pathOrders, RouteBSSOrders, svcBSS, scopeDomain, service.ListOrders, "list orders (filters, offset paging)", (*Server).listOrders},
		{"POST", pathPay, RouteBSSPay, svcBSS, scopeDomain, service.PayOrder, "pay an order pending payment", (*Server).pay},
		{"PUT", pathCancel, RouteBSSCancel, svcBSS, scopeDomain, service.CancelOrder, "cancel an order pending payment", (*Server).cancel},
		{"POST", pathRenew, RouteBSSRenew, svcBSS, scopeDomain, service.Renew, "renewal order; extends the expiry", (*Server).renew},
		{"POST", pathUnsubscribe, RouteBSSUnsubscribe, svcBSS, scopeDomain, service.Unsubscribe, "unsubscription order; releases the instance", (*Server).unsubscribe},
		{"POST", pathAutoRenew + "{resource_id}", RouteBSSAutoRenew, svcBSS, scopeDomain, service.AutoRenewOn, "auto-renew on", (*Server).autoRenewOn},
		{"DELETE", pathAutoRenew + "{resource_id}", RouteBSSAutoRenew, svcBSS, scopeDomain, service.AutoRenewOff, "auto-renew off", (*Server).autoRenewOff},
		{"POST", pathQueryResources, RouteBSSResources, svcBSS, scopeDomain, service.ListSubscriptions, "expiry and renewal policy", (*Server).queryResources},
		{"POST", pathFreeResources, RouteBSSTraffic, svcBSS, scopeDomain, service.ListTraffic, "data package use", (*Server).freeResources},
		{"POST", pathSubscribeRate, RouteBSSSubscribeRate, svcBSS, scopeDomain, service.SubscribeRate, "price of a purchase (made-up figures)", (*Server).subscribeRate},
		{"POST", pathRenewRate, RouteBSSRenewRate, svcBSS, scopeDomain, service.RenewRate, "price of a renewal (made-up figures)", (*Server).renewRate},

		{"GET", pathRMSPrefix + "{domain_id}/all-resources", RouteRMSList, svcRMS, scopeDomain, service.ListInstances,
			"instances (?type=hcss.l-instance), --provision-after their order", (*Server).listResources},

		{"GET", pathECSServer, RouteECSShow, svcECS, scopeProject, service.ShowServer, "show the server", (*Server).showServer},
		{"PUT", pathECSServer, RouteECSUpdate, svcECS, scopeProject, service.UpdateServer, "update the server (name, description, hostname)", (*Server).updateServer},
		// One route for start, stop and reboot: the body says which (opFor).
		{"POST", pathECSAction, RouteECSAction, svcECS, scopeProject, 0, "start, stop, reboot: a job that ends after --job-after", (*Server).batchAction},
		{"GET", pathECSJob, RouteECSJob, svcECS, scopeProject, service.ShowJob, "the job: INIT -> RUNNING -> SUCCESS/FAIL", (*Server).showJob},
		{"PUT", pathECSPasswords, RouteECSPassword, svcECS, scopeProject, service.ResetPasswords, "reset passwords (never logged)", (*Server).resetPasswords},

		{"GET", pathVPCGroups, RouteVPCGroups, svcVPC, scopeProject, service.ListSecurityGroups,
			"security groups: sg-default-smb per region, made for its first instance, shared by all", (*Server).listGroups},
		{"GET", pathVPCGroup, RouteVPCGroup, svcVPC, scopeProject, 0, "one security group", (*Server).showGroup},
		{"GET", pathVPCRules, RouteVPCRules, svcVPC, scopeProject, service.ListSecurityGroupRules, "list rules", (*Server).listRules},
		{"GET", pathVPCRule, RouteVPCRule, svcVPC, scopeProject, service.ShowSecurityGroupRule, "show a rule", (*Server).showRule},
		{"POST", pathVPCRules, RouteVPCRuleCreate, svcVPC, scopeProject, service.CreateSecurityGroupRule,
			"add a rule (limits checked; a duplicate is 409)", (*Server).createRule},
		{"DELETE", pathVPCRule, RouteVPCRuleDelete, svcVPC, scopeProject, service.DeleteSecurityGroupRule, "delete a rule", (*Server).deleteRule},

		{"POST", pathTokens, RouteIAM, svcIAM, scopeOpen, service.GetToken, `a token (password "sandbox", or the token method)`, (*Server).issueToken},
		{"GET", pathProjects, RouteIAM, svcIAM, scopeNone, service.ListProjects, "the projects", (*Server).projects},
		{"GET", pathDomains, RouteIAM, svcIAM, scopeNone, service.ListDomains, "the account", (*Server).domains},
	}
}

// opFor is the operation a request to rt is: ecs.action serves three,
// told apart by the body's one key.
func (rt apiRoute) opFor(body []byte) service.Op {
	if rt.name != RouteECSAction {
		return rt.op
	}
	var req actionRequest
	if json.Unmarshal(body, &req) != nil {
		return 0
	}
	switch {
	case req.Start != nil:
		return service.StartServers
	case req.Stop != nil:
		return service.StopServers
	case req.Reboot != nil:
		return service.RebootServers
	}
	return 0
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	for _, rt := range apiRoutes() {
		s.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, rt) })
	}
	for _, rt := range controlRoutes() {
		s.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) { rt.handle(s, w, r) })
	}
}

// Route is one API route the sandbox serves, as --help lists it.
type Route struct {
	Service string // HCSS, BSS, ...
	Method  string
	Path    string // "{x}" is a path parameter
	Name    string // the route name faults are queued for
	Help    string
}

// APIRoutes lists the API routes the router serves, in table order.
func APIRoutes() []Route {
	rs := apiRoutes()
	out := make([]Route, len(rs))
	for i, rt := range rs {
		out[i] = Route{Service: rt.svc.Name(), Method: rt.method, Path: rt.path, Name: rt.name, Help: rt.help}
	}
	return out
}

// ControlRoutes lists the routes of the control API (no service, no
// name), in table order.
func ControlRoutes() []Route {
	rs := controlRoutes()
	out := make([]Route, len(rs))
	for i, rt := range rs {
		out[i] = Route{Method: rt.method, Path: rt.path, Help: rt.help}
	}
	return out
}

// Routes lists the route names faults can be queued for, in table order.
func Routes() []string {
	var out []string
	for _, rt := range apiRoutes() {
		if !slices.Contains(out, rt.name) {
			out = append(out, rt.name)
		}
	}
	return out
}
