package jobcmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
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
			return e.Region, nil
		}
	}
	if region == "" {
		return "", cmdutil.UsageErrorf("%s needs the job's region: job %s is not in this machine's journal; pass --region (nothing was sent)", verb, jobID)
	}
	if err := cmdutil.CheckRegion(f, region, cmdutil.RegionSource(f, src)); err != nil {
		return "", err
	}
	return region, nil
}

// noSuchJob is the one error for a job ECS does not have in the region
// (HTTP 404): exit 2, as an order or an instance that does not exist;
// other errors are returned as they are.
func noSuchJob(err error, jobID, region string) error {
	if !api.IsNotFound(err) {
		return err
	}
	return exitcode.New(exitcode.Usage, fmt.Errorf("no job %s in %s (ECS: %s): check the job ID and the region (flexusl job list shows the jobs flexusl started)", jobID, region, cmdutil.FirstLine(err.Error())))
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

// jobCall is what job show and job wait check before asking ECS about
// jobID: an ID that is an ID, its region (jobRegion), the output format
// and the credentials; nothing is sent when any is wrong.
func jobCall(f *cmdutil.Factory, verb, jobID string) (string, *api.Client, error) {
	if !api.ValidID(jobID) {
		return "", nil, cmdutil.UsageErrorf("%q is not an ECS job ID (%s are allowed; nothing was sent)", jobID, api.IDRule)
	}
	region, err := jobRegion(f, verb, jobID)
	if err != nil {
		return "", nil, err
	}
	if _, err := f.OutputFormat(); err != nil {
		return "", nil, err
	}
	client, err := f.APIClient()
	if err != nil {
		return "", nil, err
	}
	return region, client, nil
}
