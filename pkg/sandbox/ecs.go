package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ECS paths (LIFECYCLE.md §3-§7); {project_id} picks the region.
const (
	pathECSServer    = "/v1/{project_id}/cloudservers/{server_id}"
	pathECSAction    = "/v1/{project_id}/cloudservers/action"
	pathECSPasswords = "/v1/{project_id}/cloudservers/os-reset-passwords"
	pathECSJob       = "/v1/{project_id}/jobs/{job_id}"
)

// Error codes of the sandbox's ECS. Ecs.0005, Ecs.0011 and Ecs.0114 are
// documented (ECS-err); Ecs.0103 for an action the server's state does not
// allow and Ecs.0000 for a failed sub-job (fault) are guesses.
const (
	ecsInvalid  = "Ecs.0005"
	ecsPassword = "Ecs.0011"
	ecsNotFound = "Ecs.0114"
	ecsBadState = "Ecs.0103"
	ecsFailed   = "Ecs.0000"
)

// Wire types (testdata/wire/ecs).
type (
	serverDetail struct {
		ID               string                     `json:"id"`
		Name             string                     `json:"name"`
		Description      string                     `json:"description"`
		Status           string                     `json:"status"`
		VMState          string                     `json:"OS-EXT-STS:vm_state"`
		TaskState        string                     `json:"OS-EXT-STS:task_state"`
		PowerState       int                        `json:"OS-EXT-STS:power_state"`
		Locked           bool                       `json:"locked"`
		Addresses        map[string][]serverAddress `json:"addresses"`
		Flavor           serverFlavor               `json:"flavor"`
		Image            serverImage                `json:"image"`
		Metadata         map[string]string          `json:"metadata"`
		Hostname         string                     `json:"OS-EXT-SRV-ATTR:hostname"`
		AvailabilityZone string                     `json:"OS-EXT-AZ:availability_zone"`
		KeyName          string                     `json:"key_name"`
		TenantID         string                     `json:"tenant_id"`
		EnterpriseProjID string                     `json:"enterprise_project_id"`
		Created          string                     `json:"created"`
		Updated          string                     `json:"updated"`
		Tags             []string                   `json:"tags"`
		// The rest of what the SDK's ServerDetail marks required.
		HostID         string           `json:"hostId"`
		Host           string           `json:"OS-EXT-SRV-ATTR:host"`
		InstanceName   string           `json:"OS-EXT-SRV-ATTR:instance_name"`
		HypervisorHost string           `json:"OS-EXT-SRV-ATTR:hypervisor_hostname"`
		LaunchIndex    int              `json:"OS-EXT-SRV-ATTR:launch_index"`
		KernelID       string           `json:"OS-EXT-SRV-ATTR:kernel_id"`
		RamdiskID      string           `json:"OS-EXT-SRV-ATTR:ramdisk_id"`
		RootDevice     string           `json:"OS-EXT-SRV-ATTR:root_device_name"`
		SecurityGroups []serverSecGroup `json:"security_groups"`
		UserID         string           `json:"user_id"`
		AccessIPv4     string           `json:"accessIPv4"`
		AccessIPv6     string           `json:"accessIPv6"`
		ConfigDrive    string           `json:"config_drive"`
		LaunchedAt     string           `json:"OS-SRV-USG:launched_at"`
		TerminatedAt   string           `json:"OS-SRV-USG:terminated_at"`
		Volumes        []serverVolume   `json:"os-extended-volumes:volumes_attached"`
		HostStatus     string           `json:"host_status"`
	}
	serverVolume struct {
		ID                  string `json:"id"`
		DeleteOnTermination string `json:"delete_on_termination"`
		BootIndex           string `json:"bootIndex"`
		Device              string `json:"device"`
	}
	serverLink struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	}
	serverAddress struct {
		Version string `json:"version"`
		Addr    string `json:"addr"`
		Type    string `json:"OS-EXT-IPS:type"`
		MAC     string `json:"OS-EXT-IPS-MAC:mac_addr"`
		PortID  string `json:"OS-EXT-IPS:port_id"`
		Primary bool   `json:"primary"`
	}
	serverFlavor struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		VCPUs string `json:"vcpus"`
		RAM   string `json:"ram"`
		Disk  string `json:"disk"`
	}
	serverImage struct {
		ID string `json:"id"`
	}
	// updatedServer is UpdateServer's answer, in the shape of the SDK's
	// UpdateServerResult: the image as its ID alone, addresses with a
	// numeric version and no type, the flavor as an ID with links.
	updatedServer struct {
		TenantID    string                      `json:"tenant_id"`
		Image       string                      `json:"image"`
		AccessIPv4  string                      `json:"accessIPv4"`
		AccessIPv6  string                      `json:"accessIPv6"`
		Metadata    map[string]string           `json:"metadata"`
		Addresses   map[string][]updatedAddress `json:"addresses"`
		Created     string                      `json:"created"`
		HostID      string                      `json:"hostId"`
		Flavor      simpleFlavor                `json:"flavor"`
		DiskConfig  string                      `json:"OS-DCF:diskConfig"`
		UserID      string                      `json:"user_id"`
		Name        string                      `json:"name"`
		Progress    int                         `json:"progress"`
		Links       []serverLink                `json:"links"`
		ID          string                      `json:"id"`
		Updated     string                      `json:"updated"`
		Locked      bool                        `json:"locked"`
		Description string                      `json:"description"`
		Tags        []string                    `json:"tags"`
		Status      string                      `json:"status"`
		Hostname    string                      `json:"OS-EXT-SRV-ATTR:hostname"`
	}
	updatedAddress struct {
		Version int    `json:"version"`
		Addr    string `json:"addr"`
	}
	simpleFlavor struct {
		ID    string       `json:"id"`
		Links []serverLink `json:"links"`
	}
	updateRequest struct {
		Server *struct {
			Name        *string `json:"name"`
			Description *string `json:"description"`
			Hostname    *string `json:"hostname"`
			UserData    *string `json:"user_data"`
		} `json:"server"`
	}
	serverRef struct {
		ID string `json:"id"`
	}
	actionBody struct {
		Type    *string     `json:"type"`
		Servers []serverRef `json:"servers"`
	}
	startBody struct {
		Servers []serverRef `json:"servers"`
	}
	actionRequest struct {
		Start  *startBody  `json:"os-start"`
		Stop   *actionBody `json:"os-stop"`
		Reboot *actionBody `json:"reboot"`
	}
	jobCreated struct {
		JobID string `json:"job_id"`
	}
	jobView struct {
		Status     string      `json:"status"`
		JobID      string      `json:"job_id"`
		JobType    string      `json:"job_type"`
		BeginTime  string      `json:"begin_time"`
		EndTime    string      `json:"end_time"`
		ErrorCode  *string     `json:"error_code"`
		FailReason *string     `json:"fail_reason"`
		Entities   jobEntities `json:"entities"`
	}
	jobEntities struct {
		SubJobsTotal int          `json:"sub_jobs_total"`
		SubJobs      []subJobView `json:"sub_jobs"`
	}
	subJobView struct {
		Status     string         `json:"status"`
		JobID      string         `json:"job_id"`
		JobType    string         `json:"job_type"`
		BeginTime  string         `json:"begin_time"`
		EndTime    string         `json:"end_time"`
		ErrorCode  *string        `json:"error_code"`
		FailReason *string        `json:"fail_reason"`
		Entities   subJobEntities `json:"entities"`
	}
	subJobEntities struct {
		ServerID         string `json:"server_id"`
		ErrorcodeMessage string `json:"errorcode_message,omitempty"`
	}
	passwordRequest struct {
		NewPassword *string     `json:"new_password"`
		DryRun      *bool       `json:"dry_run"`
		Servers     []serverRef `json:"servers"`
	}
	passwordAnswer struct {
		Response []serverRef `json:"response"`
	}
	passwordError struct {
		Error         ecsErrorBody    `json:"error"`
		InternalError []internalError `json:"internalError"`
	}
	internalError struct {
		ID           string `json:"id"`
		ErrorCode    string `json:"error_code"`
		ErrorMessage string `json:"error_message"`
	}
)

// job is an ECS batch job; its sub-jobs (one per server) all end at EndAt.
type job struct {
	ID, Type, Region string
	Begin, EndAt     time.Time
	Subs             []*subJob
	Ended            bool
}

// subJob is one server's part of a batch job.
type subJob struct {
	ID, Type   string
	ServerID   string
	Action     string // start, stop, reboot
	RebootType string // SOFT or HARD
	Status     string // "" until the job ends, then SUCCESS or FAIL
	Code       string
	Reason     string
	forceFail  bool
	job        *job
}

// jobState is a job's (or its unended sub-jobs') status at now: INIT for the
// first third of its run, then RUNNING.
func (j *job) state(now time.Time, after time.Duration) string {
	if now.Sub(j.Begin)*3 < after {
		return "INIT"
	}
	return "RUNNING"
}

// ecsState is a server's status as ECS reports it at now.
type ecsState struct {
	Status, VMState, TaskState string
	Power                      int
}

// serverState derives the server's status from its settled state and the
// sub-job running on it; s.mu is held.
func (s *Server) serverState(in *instance, now time.Time) ecsState {
	st := ecsState{Status: "ACTIVE", VMState: "active", Power: 1}
	if in.Server.Status == "SHUTOFF" {
		st = ecsState{Status: "SHUTOFF", VMState: "stopped", Power: 4}
	}
	op := in.Server.op
	if op == nil || op.Status != "" || op.forceFail || op.job.state(now, op.job.EndAt.Sub(op.job.Begin)) != "RUNNING" {
		return st
	}
	switch {
	case op.Action == "reboot" && st.Status == "ACTIVE" && op.RebootType == "HARD":
		st.Status, st.TaskState = "HARD_REBOOT", "rebooting_hard"
	case op.Action == "reboot" && st.Status == "ACTIVE":
		st.Status, st.TaskState = "REBOOT", "rebooting"
	case op.Action == "stop" && st.Status == "ACTIVE":
		st.TaskState = "powering-off"
	case op.Action == "start" && st.Status == "SHUTOFF":
		st.TaskState = "powering-on"
	}
	return st
}

// ecsProject checks the path's project (a region's sandbox project, the
// same as X-Project-Id under AK/SK) and returns its region.
func (c *call) ecsProject() (string, bool) {
	p := c.r.PathValue("project_id")
	if hp := c.r.Header.Get("X-Project-Id"); c.r.Header.Get("Authorization") != "" && hp != p {
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", fmt.Sprintf("Incorrect IAM authentication information: X-Project-Id %s does not match the project %s in the path", hp, p))
		return "", false
	}
	region, ok := c.s.regionOfProject(p)
	if !ok {
		c.fail(http.StatusBadRequest, ecsInvalid, fmt.Sprintf("Invalid parameters: project_id %s is not a project of this account", p))
		return "", false
	}
	return region, true
}

// findServer is the visible server id in region; s.mu is held.
func (s *Server) findServer(id, region string, now time.Time) *instance {
	in := s.servers[id]
	if in == nil || in.Region != region || !in.visible(now) {
		return nil
	}
	return in
}

func notFoundMessage(id string) string { return fmt.Sprintf("Instance[%s] could not be found.", id) }

// addresses are the server's fixed address and its EIP.
func (in *instance) addresses() map[string][]serverAddress {
	return map[string][]serverAddress{in.Server.NetworkID: {
		{Version: "4", Addr: in.Server.FixedIP, Type: "fixed", MAC: in.Server.MAC, PortID: in.Server.PortID, Primary: true},
		{Version: "4", Addr: in.PublicIP, Type: "floating", MAC: in.Server.MAC, PortID: in.Server.PortID, Primary: false},
	}}
}

func (in *instance) tagStrings() []string {
	out := []string{}
	for _, t := range in.Tags {
		if t.Value == "" {
			out = append(out, t.Key)
		} else {
			out = append(out, t.Key+"="+t.Value)
		}
	}
	return out
}

// serverView renders ShowServer's server; s.mu is held.
func (s *Server) serverView(in *instance, now time.Time) serverDetail {
	st := s.serverState(in, now)
	spec, _ := s.opts.Catalog.Spec(in.Spec)
	osType := "Linux"
	if spec.OS == "windows" {
		osType = "Windows"
	}
	return serverDetail{
		ID: in.Server.ID, Name: in.Server.Name, Description: in.Server.Description,
		Status: st.Status, VMState: st.VMState, TaskState: st.TaskState, PowerState: st.Power,
		Addresses: in.addresses(),
		Flavor: serverFlavor{ID: in.Spec, Name: in.Spec, VCPUs: fmt.Sprint(spec.VCPUs), RAM: fmt.Sprint(int(spec.MemoryGiB * 1024)),
			Disk: "0"},
		Image: serverImage{ID: in.ImageID},
		Metadata: map[string]string{"charging_mode": "1", "metering.order_id": in.OrderID, "metering.product_id": "sandbox-" + in.Spec,
			"metering.resourcespeccode": in.Spec, "EcmResStatus": "normal", "os_type": osType, "image_name": in.ImageName},
		Hostname: in.Server.Hostname, AvailabilityZone: in.Region + "a", TenantID: in.ProjectID, EnterpriseProjID: "0",
		Created: fmtTime(in.VisibleAt, layoutSeconds), Updated: fmtTime(in.Server.Updated, layoutSeconds), Tags: in.tagStrings(),
		HostID: s.hostID(in), Host: "pod01." + in.Region + "a", InstanceName: "instance-" + in.Server.ID[:min(8, len(in.Server.ID))],
		HypervisorHost: "nova001@" + in.Region, RootDevice: "/dev/vda",
		SecurityGroups: s.serverGroups(in),
		UserID:         s.userID(), LaunchedAt: in.VisibleAt.UTC().Format("2006-01-02T15:04:05.000000"),
		Volumes:    []serverVolume{{ID: uuidFrom("volume/" + in.Server.ID), DeleteOnTermination: "true", BootIndex: "0", Device: "/dev/vda"}},
		HostStatus: "UP",
	}
}

// hostID is the server's (stable) host ID.
func (s *Server) hostID(in *instance) string {
	return uuidHex("host/"+in.Server.ID) + uuidHex("host/" + in.Region)[:24]
}

// userID is the IAM user that created the servers.
func (s *Server) userID() string { return uuidHex("user/" + s.opts.DomainID) }

// serverLinks are a server's self and bookmark links.
func serverLinks(c *call, projectID, path string) []serverLink {
	base := baseURL(c.r)
	return []serverLink{{Href: base + "/v2.1/" + projectID + path, Rel: "self"}, {Href: base + "/" + projectID + path, Rel: "bookmark"}}
}

// updatedView renders UpdateServer's answer from ShowServer's view.
func updatedView(c *call, in *instance, d serverDetail) updatedServer {
	addrs := map[string][]updatedAddress{}
	for n, as := range d.Addresses {
		for _, a := range as {
			addrs[n] = append(addrs[n], updatedAddress{Version: 4, Addr: a.Addr})
		}
	}
	return updatedServer{TenantID: d.TenantID, Image: d.Image.ID, Metadata: d.Metadata, Addresses: addrs, Created: d.Created,
		HostID: d.HostID, Flavor: simpleFlavor{ID: d.Flavor.ID, Links: serverLinks(c, in.ProjectID, "/flavors/"+d.Flavor.ID)[1:]},
		DiskConfig: "MANUAL", UserID: d.UserID, Name: d.Name, Links: serverLinks(c, in.ProjectID, "/servers/"+d.ID), ID: d.ID,
		Updated: d.Updated, Locked: d.Locked, Description: d.Description, Tags: d.Tags, Status: d.Status, Hostname: d.Hostname}
}

func (s *Server) showServer(c *call) {
	region, ok := c.ecsProject()
	if !ok {
		return
	}
	id := c.r.PathValue("server_id")
	s.mu.Lock()
	s.advance(c.now)
	in := s.findServer(id, region, c.now)
	var v serverDetail
	if in != nil {
		v = s.serverView(in, c.now)
	}
	s.mu.Unlock()
	if in == nil {
		c.fail(http.StatusNotFound, ecsNotFound, notFoundMessage(id))
		return
	}
	c.json(http.StatusOK, struct {
		Server serverDetail `json:"server"`
	}{v})
}

// checkServerName applies UpdateServer's name rule: 1-64 characters of
// letters (Chinese included), digits, _ - . (the SDK's rule; the
// international ECS page allows 128, the stricter one is kept).
func checkServerName(n string) string {
	if l := utf8.RuneCountInString(n); l < 1 || l > 64 {
		return fmt.Sprintf("server.name has %d characters: 1 to 64 are allowed", l)
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' || r >= 0x4e00 && r <= 0x9fa5) {
			return fmt.Sprintf("server.name: %q is not allowed (letters, digits, Chinese characters, _ - . only)", r)
		}
	}
	return ""
}

// checkServerDescription applies the description rule: 0-85 characters,
// no < or >.
func checkServerDescription(d string) string {
	if l := utf8.RuneCountInString(d); l > 85 {
		return fmt.Sprintf("server.description has %d characters: at most 85 are allowed", l)
	}
	if strings.ContainsAny(d, "<>") {
		return "server.description must not contain < or >"
	}
	return ""
}

// checkHostname applies the hostname rule: 1-64 characters in dot-separated
// parts of letters, digits and -; no "..", "--", ".-" or "-."; no leading
// or trailing . or -.
func checkHostname(h string) string {
	if len(h) < 1 || len(h) > 64 {
		return fmt.Sprintf("server.hostname has %d characters: 1 to 64 are allowed", len(h))
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Sprintf("server.hostname: %q is not allowed (letters, digits, - and . only)", r)
		}
	}
	for _, bad := range []string{"..", "--", ".-", "-."} {
		if strings.Contains(h, bad) {
			return fmt.Sprintf("server.hostname must not contain %q", bad)
		}
	}
	if strings.ContainsAny(h[:1], ".-") || strings.ContainsAny(h[len(h)-1:], ".-") {
		return "server.hostname must not start or end with . or -"
	}
	return ""
}

// updateServer is UpdateServer: name, description and hostname validated
// (400 Ecs.0005 naming the field); the answer is the server after the
// change.
func (s *Server) updateServer(c *call) {
	region, ok := c.ecsProject()
	if !ok {
		return
	}
	var req updateRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: "+err.Error())
		return
	}
	if req.Server == nil {
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: server is required")
		return
	}
	u := req.Server
	var msg string
	switch {
	case u.Name != nil:
		msg = checkServerName(*u.Name)
	}
	if msg == "" && u.Description != nil {
		msg = checkServerDescription(*u.Description)
	}
	if msg == "" && u.Hostname != nil {
		msg = checkHostname(*u.Hostname)
	}
	if msg == "" && u.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*u.UserData); err != nil {
			msg = "server.user_data must be base64"
		}
	}
	if msg != "" {
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: "+msg)
		return
	}
	id := c.r.PathValue("server_id")
	s.mu.Lock()
	s.advance(c.now)
	in := s.findServer(id, region, c.now)
	var v updatedServer
	if in != nil {
		sv := &in.Server
		if u.Name != nil {
			sv.Name = *u.Name
		}
		if u.Description != nil {
			sv.Description = *u.Description
		}
		if u.Hostname != nil {
			sv.Hostname = *u.Hostname
		}
		sv.Updated = c.now
		v = updatedView(c, in, s.serverView(in, c.now))
	}
	s.mu.Unlock()
	if in == nil {
		c.fail(http.StatusNotFound, ecsNotFound, notFoundMessage(id))
		return
	}
	c.json(http.StatusOK, struct {
		Server updatedServer `json:"server"`
	}{v})
}

// actionError answers a batch action's 400 with its details entry.
func (c *call) actionError(msg string) {
	c.json(http.StatusBadRequest, ecsError{ecsErrorBody{Code: ecsInvalid, Message: "Invalid parameters: " + msg,
		Details: []ecsErrorDetail{{Code: ecsInvalid, Message: msg}}}})
}

// checkServers validates a batch's servers: 1-1000 IDs, none empty or
// repeated.
func checkServers(key string, servers []serverRef) string {
	if len(servers) == 0 || len(servers) > 1000 {
		return fmt.Sprintf("%s.servers holds %d servers: 1 to 1000 are allowed", key, len(servers))
	}
	seen := map[string]bool{}
	for i, sv := range servers {
		switch {
		case sv.ID == "":
			return fmt.Sprintf("%s.servers[%d].id is required", key, i)
		case seen[sv.ID]:
			return fmt.Sprintf("%s.servers[%d].id %s is repeated", key, i, sv.ID)
		}
		seen[sv.ID] = true
	}
	return ""
}

// batchAction is BatchStartServers / BatchStopServers / BatchRebootServers:
// exactly one of os-start, os-stop, reboot; the answer is a job whose
// sub-jobs end after JobAfter and then change their servers. An unknown
// server (or one of another region) fails its own sub-job with Ecs.0114.
func (s *Server) batchAction(c *call) {
	region, ok := c.ecsProject()
	if !ok {
		return
	}
	var req actionRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.actionError(err.Error())
		return
	}
	n := 0
	for _, p := range []bool{req.Start != nil, req.Stop != nil, req.Reboot != nil} {
		if p {
			n++
		}
	}
	if n != 1 {
		c.actionError(fmt.Sprintf("the body must hold exactly one of os-start, os-stop, reboot; it holds %d", n))
		return
	}
	var action, key, typ string
	var servers []serverRef
	switch {
	case req.Start != nil:
		action, key, servers = "start", "os-start", req.Start.Servers
	case req.Stop != nil:
		action, key, servers, typ = "stop", "os-stop", req.Stop.Servers, "SOFT"
		if req.Stop.Type != nil {
			typ = *req.Stop.Type
			if typ != "SOFT" && typ != "HARD" {
				c.actionError(fmt.Sprintf("os-stop.type %q: must be SOFT or HARD", typ))
				return
			}
		}
	default:
		action, key, servers = "reboot", "reboot", req.Reboot.Servers
		if req.Reboot.Type == nil {
			c.actionError("reboot.type is required (SOFT or HARD).")
			return
		}
		typ = *req.Reboot.Type
		if typ != "SOFT" && typ != "HARD" {
			c.actionError(fmt.Sprintf("reboot.type %q: must be SOFT or HARD", typ))
			return
		}
	}
	if msg := checkServers(key, servers); msg != "" {
		c.actionError(msg)
		return
	}
	s.mu.Lock()
	s.advance(c.now)
	j := &job{ID: randomHex(16), Type: "batch" + strings.ToUpper(action[:1]) + action[1:] + "Servers", Region: region,
		Begin: c.now, EndAt: c.now.Add(s.opts.JobAfter)}
	for _, sv := range servers {
		sj := &subJob{ID: randomHex(16), Type: action + "Server", ServerID: sv.ID, Action: action, RebootType: typ, job: j}
		if f := c.fault; f != nil && f.Kind == FaultJobFail && (f.ServerID == "" || f.ServerID == sv.ID) {
			sj.forceFail = true
		}
		if in := s.findServer(sv.ID, region, c.now); in != nil {
			in.Server.op = sj
		}
		j.Subs = append(j.Subs, sj)
	}
	s.jobs[j.ID] = j
	s.running = append(s.running, j)
	s.advance(c.now) // a JobAfter of 0 ends it at once
	s.mu.Unlock()
	c.json(http.StatusOK, jobCreated{JobID: j.ID})
}

// finishJob ends a job's sub-jobs and applies them to their servers; s.mu
// is held. Starting a running server, stopping a stopped one or rebooting a
// stopped one fails that sub-job with Ecs.0103 (the sandbox's choice).
func (s *Server) finishJob(j *job) {
	j.Ended = true
	for _, sj := range j.Subs {
		in := s.findServer(sj.ServerID, j.Region, j.EndAt)
		fail := func(code, msg string) { sj.Status, sj.Code, sj.Reason = "FAIL", code, msg }
		switch {
		case in == nil:
			fail(ecsNotFound, notFoundMessage(sj.ServerID))
		case sj.forceFail:
			fail(ecsFailed, fmt.Sprintf("The %s operation failed on server %s (sandbox fault).", sj.Action, sj.ServerID))
		case sj.Action == "start" && in.Server.Status == "ACTIVE":
			fail(ecsBadState, fmt.Sprintf("Server %s is already running (ACTIVE).", sj.ServerID))
		case sj.Action == "stop" && in.Server.Status == "SHUTOFF":
			fail(ecsBadState, fmt.Sprintf("Server %s is already stopped (SHUTOFF).", sj.ServerID))
		case sj.Action == "reboot" && in.Server.Status == "SHUTOFF":
			fail(ecsBadState, fmt.Sprintf("Server %s is stopped (SHUTOFF) and cannot be rebooted.", sj.ServerID))
		default:
			sj.Status = "SUCCESS"
			if sj.Action == "stop" {
				in.Server.Status = "SHUTOFF"
			} else {
				in.Server.Status = "ACTIVE"
			}
			in.Server.Updated = j.EndAt
		}
		if in != nil && in.Server.op == sj {
			in.Server.op = nil
		}
	}
}

func strp(s string) *string { return &s }

// jobView renders ShowJob's answer; s.mu is held.
func (s *Server) jobView(j *job, now time.Time) jobView {
	v := jobView{JobID: j.ID, JobType: j.Type, BeginTime: fmtTime(j.Begin, layoutMillis), Entities: jobEntities{SubJobsTotal: len(j.Subs), SubJobs: []subJobView{}}}
	running := ""
	if !j.Ended {
		running = j.state(now, j.EndAt.Sub(j.Begin))
	}
	v.Status = "SUCCESS"
	for _, sj := range j.Subs {
		sv := subJobView{JobID: sj.ID, JobType: sj.Type, BeginTime: v.BeginTime, Entities: subJobEntities{ServerID: sj.ServerID}}
		if running != "" {
			sv.Status = running
		} else {
			sv.Status, sv.EndTime = sj.Status, fmtTime(j.EndAt, layoutMillis)
			if sj.Status == "FAIL" {
				sv.ErrorCode, sv.FailReason = strp(sj.Code), strp(sj.Code+": "+sj.Reason)
				sv.Entities.ErrorcodeMessage = sj.Reason
				if v.ErrorCode == nil {
					v.Status, v.ErrorCode, v.FailReason = "FAIL", sv.ErrorCode, sv.FailReason
				}
			}
		}
		v.Entities.SubJobs = append(v.Entities.SubJobs, sv)
	}
	if running != "" {
		v.Status = running
	} else {
		v.EndTime = fmtTime(j.EndAt, layoutMillis)
	}
	return v
}

// showJob is ShowJob for a job of the path's project.
func (s *Server) showJob(c *call) {
	region, ok := c.ecsProject()
	if !ok {
		return
	}
	id := c.r.PathValue("job_id")
	s.mu.Lock()
	s.advance(c.now)
	j := s.jobs[id]
	var v jobView
	if j != nil && j.Region == region {
		v = s.jobView(j, c.now)
	}
	s.mu.Unlock()
	if j == nil || j.Region != region {
		c.fail(http.StatusNotFound, ecsInvalid, fmt.Sprintf("Invalid parameters: job %s does not exist in this project", id))
		return
	}
	c.json(http.StatusOK, v)
}

// checkPassword applies ECS's password rules (LIFECYCLE.md §7) and returns
// the first rule broken, naming the rule and never the password.
func checkPassword(p string) string {
	const specials = "!@%-_=+[]:./?"
	if n := utf8.RuneCountInString(p); n < 8 || n > 26 {
		return fmt.Sprintf("the password has %d characters: 8 to 26 are required", n)
	}
	var upper, lower, digit, special bool
	for _, r := range p {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(specials, r):
			special = true
		case unicode.Is(unicode.Han, r):
			return "the password must not contain Chinese characters"
		default:
			return fmt.Sprintf("the password holds a character that is not allowed (special characters allowed: %s)", specials)
		}
	}
	classes := 0
	for _, b := range []bool{upper, lower, digit, special} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return "the password must contain at least three of: uppercase letters, lowercase letters, digits, special characters"
	}
	lp := strings.ToLower(p)
	for _, word := range []string{"root", "toor", "administrator", "rotartsinimda"} {
		if strings.Contains(lp, word) {
			return "the password must not contain root or Administrator, or either reversed"
		}
	}
	const admin = "administrator"
	for i := 0; i+3 <= len(admin); i++ {
		if strings.Contains(lp, admin[i:i+3]) {
			return "the password must not contain three consecutive characters of Administrator"
		}
	}
	return ""
}

// resetPasswords is BatchResetServersPassword: synchronous; new_password
// checked by ECS's rules (400 Ecs.0011); dry_run validates only. If any
// server is unknown, nothing is reset and the answer lists each in
// internalError (the sandbox's reading of ECS-batch). The body is never
// logged.
func (s *Server) resetPasswords(c *call) {
	region, ok := c.ecsProject()
	if !ok {
		return
	}
	var req passwordRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: "+err.Error())
		return
	}
	dry := req.DryRun != nil && *req.DryRun
	switch {
	case req.NewPassword == nil && !dry:
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: new_password is required unless dry_run is true")
		return
	case req.NewPassword != nil:
		if msg := checkPassword(*req.NewPassword); msg != "" {
			c.fail(http.StatusBadRequest, ecsPassword, "The password does not meet the complexity requirements: "+msg)
			return
		}
	}
	if msg := checkServers("", req.Servers); msg != "" {
		c.fail(http.StatusBadRequest, ecsInvalid, "Invalid parameters: "+strings.TrimPrefix(msg, "."))
		return
	}
	s.mu.Lock()
	s.advance(c.now)
	var missing []internalError
	var found []*instance
	for _, sv := range req.Servers {
		in := s.findServer(sv.ID, region, c.now)
		if in == nil {
			missing = append(missing, internalError{ID: sv.ID, ErrorCode: ecsNotFound, ErrorMessage: notFoundMessage(sv.ID)})
			continue
		}
		found = append(found, in)
	}
	if len(missing) == 0 && !dry {
		for _, in := range found {
			in.PasswordResets++
			in.LastPasswordResetAt = c.now
		}
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		c.json(http.StatusNotFound, passwordError{Error: ecsErrorBody{Code: ecsNotFound, Message: missing[0].ErrorMessage}, InternalError: missing})
		return
	}
	out := passwordAnswer{Response: []serverRef{}}
	for _, sv := range req.Servers {
		out.Response = append(out.Response, serverRef{ID: sv.ID})
	}
	c.json(http.StatusOK, out)
}
