// Package service is the one table of the Huawei Cloud services flexusl
// calls: per service its endpoint setting (config key, global flag,
// environment variable, default, help text), and per operation its method,
// path pattern and the IAM permission it needs. The option registry
// (pkg/config), the request layer (pkg/api), the 403 advice, the sandbox's
// export line and the tests that point "every endpoint" somewhere all read
// it, so a service or an operation is added in one place.
//
// The permissions are the action names Huawei's documents name
// (/work/shared/api: LIFECYCLE.md §17, NETWORK-AND-PRICES.md §2 and §13);
// where they name none, the row says so in its comment, and an operation
// without a permission gets the general advice.
package service

import "strings"

// ID names a service; each has its own endpoint.
type ID int

// Services, in the order the option registry, `config list` and the
// sandbox's export line show them.
const (
	HCSS ID = iota // FlexusL purchases: one gateway, region in the body
	BSS            // billing: orders, renewals, payments (global)
	IAM            // tokens and projects
	RMS            // Config: resource listing (global)
	ECS            // the server inside an instance (per region)
	VPC            // security groups: the instance's firewall (per region)
)

// Service is one row of the table: a service and its endpoint setting.
type Service struct {
	ID      ID
	Name    string // as errors name it: "HCSS"
	Key     string // config key (profile, `config set`)
	Flag    string // global flag
	Env     string // environment variable
	Default string // default endpoint; "{region}" stands for each call's region
	Usage   string // one line for --help and `config list`
}

// Services is the table, indexed by ID. The defaults: one HCSS gateway for
// every region (the region travels in the body), the international BSS and
// IAM services, the global RMS, and ECS and VPC per region.
var Services = [...]Service{
	HCSS: {HCSS, "HCSS", "endpoint", "endpoint", "FLEXUSL_ENDPOINT", "https://hcss.ap-southeast-3.myhuaweicloud.com", "HCSS (FlexusL) API endpoint"},
	BSS:  {BSS, "BSS", "bss_endpoint", "bss-endpoint", "FLEXUSL_BSS_ENDPOINT", "https://bss-intl.myhuaweicloud.com", "BSS (orders) API endpoint"},
	IAM:  {IAM, "IAM", "iam_endpoint", "iam-endpoint", "FLEXUSL_IAM_ENDPOINT", "https://iam.myhuaweicloud.com", "IAM (tokens, projects) endpoint"},
	RMS:  {RMS, "RMS", "rms_endpoint", "rms-endpoint", "FLEXUSL_RMS_ENDPOINT", "https://rms.myhuaweicloud.com", "RMS (Config: instance listing) endpoint"},
	ECS:  {ECS, "ECS", "ecs_endpoint", "ecs-endpoint", "FLEXUSL_ECS_ENDPOINT", "https://ecs.{region}.myhuaweicloud.com", "ECS (servers) endpoint; {region} is replaced by each call's region"},
	VPC:  {VPC, "VPC", "vpc_endpoint", "vpc-endpoint", "FLEXUSL_VPC_ENDPOINT", "https://vpc.{region}.myhuaweicloud.com", "VPC (security groups: the firewall) endpoint; {region} is replaced by each call's region"},
}

// Get is the row of id.
func (id ID) Get() *Service {
	if id < 0 || int(id) >= len(Services) {
		return &Service{ID: id, Name: "the service"}
	}
	return &Services[id]
}

// Name is the service's name as errors say it ("HCSS").
func (id ID) Name() string { return id.Get().Name }

// PerRegion reports whether the endpoint holds "{region}" by default.
func (s *Service) PerRegion() bool { return strings.Contains(s.Default, "{region}") }

// EnvAll maps every service's environment variable to url: what points
// flexusl (or a test's flexusl) at one server serving every service.
func EnvAll(url string) map[string]string {
	m := make(map[string]string, len(Services))
	for _, s := range Services {
		m[s.Env] = url
	}
	return m
}

// EnvList is EnvAll as NAME=VALUE lines, in table order (for exec.Cmd.Env).
func EnvList(url string) []string {
	out := make([]string, 0, len(Services))
	for _, s := range Services {
		out = append(out, s.Env+"="+url)
	}
	return out
}
