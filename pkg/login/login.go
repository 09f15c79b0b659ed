// Package login signs a user in to IAM with a password and stores what
// IAM gives in a profile: the region's token, the account token that later
// gets other regions' tokens, and the unexpired region tokens of an
// earlier login of the same user. It is what `flexusl auth login` does once
// it has the account, user and password; the password is never stored.
package login

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

// Issuer asks IAM for tokens with the password method (*api.Client).
type Issuer interface {
	IssueToken(ctx context.Context, account, user, password, region string) (*api.IssuedToken, error)
	IssueDomainToken(ctx context.Context, account, user, password string) (*api.IssuedToken, error)
}

// Request is who signs in, and for which region.
type Request struct {
	Account, User, Password, Region string
}

// Result is what a login stored and what the user should be told.
type Result struct {
	Profile string
	// Token is the region's token.
	Token *api.IssuedToken
	// Domain is the account token; nil when IAM gave none (DomainErr says
	// why): the login then serves Region only.
	Domain    *api.IssuedToken
	DomainErr error
	// SetRegion is true when the profile had no region and got Region
	// (given by --region); KeptRegion is the profile's region before the
	// login ("" when it had none), never changed.
	SetRegion  bool
	KeptRegion string
	// AccessKeyWins is true when the profile also holds an access key,
	// which takes precedence over the token (auth_mode is not token).
	AccessKeyWins bool
}

// Login signs in to IAM with req, stores the tokens in cfg's profile in
// use and saves the file. A refused password is an auth error (exit 3)
// that says what to check. now decides which earlier region tokens have
// expired. When the save fails, the result so far is returned with the
// error.
func Login(ctx context.Context, iam Issuer, cfg *config.Config, req Request, now time.Time) (*Result, error) {
	tok, err := iam.IssueToken(ctx, req.Account, req.User, req.Password, req.Region)
	if err != nil {
		return nil, refused(err)
	}
	res := &Result{Profile: cfg.Profile(), Token: tok}
	res.Domain, res.DomainErr = iam.IssueDomainToken(ctx, req.Account, req.User, req.Password)
	if res.DomainErr != nil {
		res.Domain = nil
	}
	profile := res.Profile
	prev := cfg.File.Profiles[profile] // what the profile held before this login
	keep := KeptRegionTokens(prev, req.Account, req.User, req.Region, now)
	set := map[string]string{config.KeyToken: tok.Value, config.KeyTokenExpiresAt: tok.ExpiresAt.Format(time.RFC3339), config.KeyTokenRegion: tok.Region,
		config.KeyTokenAccount: req.Account, config.KeyTokenUser: req.User}
	if res.Domain != nil {
		set[config.KeyDomainToken], set[config.KeyDomainTokenExp] = res.Domain.Value, res.Domain.ExpiresAt.Format(time.RFC3339)
	}
	if len(keep) > 0 {
		set[config.KeyRegionTokens] = config.FormatRegionTokens(keep)
	}
	for k, v := range set {
		if err := cfg.SetInFile(profile, k, v); err != nil {
			return res, err
		}
	}
	for _, k := range []string{config.KeyDomainToken, config.KeyDomainTokenExp, config.KeyRegionTokens} {
		if _, ok := set[k]; !ok {
			if err := cfg.UnsetInFile(profile, k); err != nil {
				return res, err
			}
		}
	}
	// --region fills a profile without a region; a region from the
	// environment stays there (it already applies to every run).
	res.KeptRegion = prev[config.KeyRegion]
	_, regionSrc := cfg.Resolve(config.KeyRegion)
	res.SetRegion = res.KeptRegion == "" && regionSrc == config.SourceFlag
	if res.SetRegion {
		if err := cfg.SetInFile(profile, config.KeyRegion, req.Region); err != nil {
			return res, err
		}
	}
	if err := cfg.Save(); err != nil {
		return res, err
	}
	p := cfg.File.Profiles[profile]
	res.AccessKeyWins = p[config.KeyAccessKey] != "" && p[config.KeyAuthMode] != auth.ModeToken
	return res, nil
}

// KeptRegionTokens are the region tokens a new login keeps from the
// profile: those of the same account and user that have not expired,
// including the token the login replaces when it was for another region.
// The login's own region is left out (it has the new token).
func KeptRegionTokens(prev map[string]string, account, user, region string, now time.Time) map[string]config.RegionToken {
	if prev[config.KeyTokenAccount] != account || prev[config.KeyTokenUser] != user {
		return nil
	}
	out, err := config.ParseRegionTokens(prev[config.KeyRegionTokens])
	if err != nil {
		out = map[string]config.RegionToken{}
	}
	if r, t := prev[config.KeyTokenRegion], prev[config.KeyToken]; r != "" && t != "" {
		if exp, err := time.Parse(time.RFC3339, prev[config.KeyTokenExpiresAt]); err == nil {
			out[r] = config.RegionToken{Token: t, ExpiresAt: exp}
		}
	}
	for r, t := range out {
		if r == region || !now.Before(t.ExpiresAt) {
			delete(out, r)
		}
	}
	return out
}

// refused words IAM's refusal of the password as what it is: wrong
// account, user or password (the API's generic 401 hint says to run auth
// login, which is what just failed). Other errors pass unchanged.
func refused(err error) error {
	var ae *api.Error
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
		return err
	}
	msg := "IAM refused the sign-in (HTTP 401"
	if ae.Code != "" {
		msg += " " + ae.Code
	}
	msg += ")"
	if ae.Message != "" {
		msg += ": " + ae.Message
	}
	if ae.RequestID != "" {
		msg += " (request_id " + ae.RequestID + ")"
	}
	return exitcode.Errorf(exitcode.Auth, "%s\nHint: check the account name (the account that owns the IAM user), the user name and the password; "+
		"a user that must sign in with MFA, or a locked one, cannot get a token this way: use an access key instead (flexusl config set access_key -)", msg)
}
