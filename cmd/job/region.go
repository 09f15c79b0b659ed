package job

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/flexusl/flexusl/pkg/journal"
)

// jobRegion is the region a job command asks ECS in: --region or
// FLEXUSL_REGION when given; else the region of the journaled call that
// started the job (flexusl's own jobs need no --region); else the
// profile's region. verb names the command in the error.
func jobRegion(f *cmdutil.Factory, verb, jobID string) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	region, src := cfg.Resolve(config.KeyRegion)
	if src != config.SourceFlag && src != config.SourceEnv {
		if e, ok := journaledJob(f, jobID); ok && api.ValidRegion(e.Region) {
			region = e.Region
		}
	}
	if region == "" {
		return "", cmdutil.UsageErrorf("%s needs the job's region: job %s is not in this machine's journal; pass --region (nothing was sent)", verb, jobID)
	}
	if !api.ValidRegion(region) {
		return "", cmdutil.UsageErrorf("region %q is not a region ID (%s; nothing was sent)", region, ecs.RegionRule)
	}
	return region, nil
}

// journaledJob is the journal entry of the call that started jobID, if
// this machine's journal has it (unreadable journals count as not).
func journaledJob(f *cmdutil.Factory, jobID string) (journal.Entry, bool) {
	path, err := f.JournalPath()
	if err != nil {
		return journal.Entry{}, false
	}
	entries, _, err := journal.Read(path)
	if err != nil {
		return journal.Entry{}, false
	}
	return journal.FindJob(entries, jobID)
}
