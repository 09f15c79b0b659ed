// Package signer implements Huawei Cloud's SDK-HMAC-SHA256 request signing
// (AK/SK), as the official SDKs do it, and its verification (for the
// sandbox).
//
//	canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n hex(sha256(body))
//	string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(canonical request))
//	signature         = hex(HMAC-SHA256(SK, string to sign))
//	Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=HEX
package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Algorithm is the signing scheme's name.
const Algorithm = "SDK-HMAC-SHA256"

// HeaderDate is the header carrying the signing time.
const HeaderDate = "X-Sdk-Date"

// DateFormat is X-Sdk-Date's layout (UTC).
const DateFormat = "20060102T150405Z"

// Escape percent-encodes s per RFC 3986: everything but A-Z a-z 0-9 - _ . ~.
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// CanonicalURI escapes each segment of the (decoded) path and ends it in "/".
func CanonicalURI(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		segs[i] = Escape(s)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// CanonicalQuery sorts the query's keys (and each key's values) and joins
// escaped k=v pairs with "&".
func CanonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// headerValue returns a header's value for signing; "host" comes from the
// request's Host (Go keeps it out of Header).
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	}
	return strings.Join(r.Header.Values(name), ",")
}

// SignedHeaders lists the headers to sign: every header set on r, lower-case
// and sorted, without content-type and names containing '_', plus host.
func SignedHeaders(r *http.Request) []string {
	names := []string{"host"}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if lk == "content-type" || strings.Contains(lk, "_") || lk == "authorization" || lk == "host" {
			continue
		}
		names = append(names, lk)
	}
	sort.Strings(names)
	return names
}

// CanonicalRequest builds the canonical request over signed headers and body.
func CanonicalRequest(r *http.Request, signed []string, body []byte) string {
	var h strings.Builder
	for _, name := range signed {
		h.WriteString(name)
		h.WriteByte(':')
		h.WriteString(strings.TrimSpace(headerValue(r, name)))
		h.WriteByte('\n')
	}
	sum := sha256.Sum256(body)
	return strings.Join([]string{r.Method, CanonicalURI(r.URL), CanonicalQuery(r.URL), h.String(), strings.Join(signed, ";"), hex.EncodeToString(sum[:])}, "\n")
}

// StringToSign is the string the signature covers.
func StringToSign(canonical, date string) string {
	sum := sha256.Sum256([]byte(canonical))
	return Algorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
}

// Signature is hex(HMAC-SHA256(sk, stringToSign)).
func Signature(sk, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// Sign sets X-Sdk-Date (when not set) and Authorization on r. body must be
// exactly the bytes sent. signHost adds host to the signed headers, as
// flexusl does; the published test vector signs without it.
func Sign(r *http.Request, body []byte, ak, sk string, now time.Time, signHost bool) {
	if r.Header.Get(HeaderDate) == "" {
		r.Header.Set(HeaderDate, now.UTC().Format(DateFormat))
	}
	signed := SignedHeaders(r)
	if !signHost {
		signed = signed[:0:0]
		for _, s := range SignedHeaders(r) {
			if s != "host" {
				signed = append(signed, s)
			}
		}
	}
	sts := StringToSign(CanonicalRequest(r, signed, body), r.Header.Get(HeaderDate))
	r.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s", Algorithm, ak, strings.Join(signed, ";"), Signature(sk, sts)))
}

// Authorization is a parsed Authorization header.
type Authorization struct {
	Access        string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization reads "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=HEX".
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return a, errors.New("authorization is not " + Algorithm)
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("authorization part %q is not key=value", part)
		}
		switch k {
		case "Access":
			a.Access = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.Access == "" || a.Signature == "" || len(a.SignedHeaders) == 0 {
		return a, errors.New("authorization lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// Verify checks r's signature with the secret key lookup returns for its
// access key, and that X-Sdk-Date is signed and within skew of now.
func Verify(r *http.Request, body []byte, lookup func(ak string) (sk string, ok bool), now time.Time, skew time.Duration) (ak string, err error) {
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return "", err
	}
	sk, ok := lookup(a.Access)
	if !ok {
		return a.Access, errors.New("unknown access key")
	}
	if !sort.StringsAreSorted(a.SignedHeaders) {
		return a.Access, errors.New("signed headers are not sorted")
	}
	dateSigned := false
	for _, h := range a.SignedHeaders {
		dateSigned = dateSigned || h == strings.ToLower(HeaderDate)
	}
	if !dateSigned {
		return a.Access, errors.New("x-sdk-date is not signed")
	}
	t, err := time.Parse(DateFormat, r.Header.Get(HeaderDate))
	if err != nil {
		return a.Access, errors.New("x-sdk-date is not " + DateFormat)
	}
	if d := now.Sub(t); d > skew || d < -skew {
		return a.Access, fmt.Errorf("x-sdk-date is %s off the server clock", d.Round(time.Second))
	}
	want := Signature(sk, StringToSign(CanonicalRequest(r, a.SignedHeaders, body), r.Header.Get(HeaderDate)))
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return a.Access, errors.New("signature does not match")
	}
	return a.Access, nil
}
