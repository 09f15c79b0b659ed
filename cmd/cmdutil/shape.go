package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/pkg/output"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The shaping flags: global, like -o, so that every command that prints a
// result takes them; they are read here and nowhere else.
const (
	FlagJQ       = "jq"
	FlagTemplate = "template"
	FlagColumns  = "columns"
)

// jsonKeysAnnotation holds the JSON keys a command's result declares
// (JSONKeys), comma-separated: what --columns is checked against before
// the command runs, and what completion offers.
const jsonKeysAnnotation = "flexusl/json-keys"

// AddShapeFlags defines --jq, --template and --columns on the root's
// persistent flags.
func AddShapeFlags(pf *pflag.FlagSet) {
	pf.String(FlagJQ, "", "print the result through a jq expression (built in; on the -o json data; strings printed as text)")
	pf.String(FlagTemplate, "", "print the result through a Go template over the -o json data (see flexusl help formatting)")
	pf.String(FlagColumns, "", "a table of these JSON keys only, in this order (comma-separated: --columns id,name,public_ip)")
}

// shapeOptions are the shaping flags as given on the command line.
func (f *Factory) shapeOptions() output.ShapeOptions {
	o := output.ShapeOptions{Now: f.Clock}
	if f.GlobalFlags == nil {
		return o
	}
	get := func(name string) string {
		if fl := f.GlobalFlags.Lookup(name); fl != nil {
			return fl.Value.String()
		}
		return ""
	}
	o.JQ, o.Template, o.Columns = get(FlagJQ), get(FlagTemplate), get(FlagColumns)
	return o
}

// Shape is the compiled --jq, --template or --columns (nil without one),
// built once. Its errors are usage errors (exit 2).
func (f *Factory) Shape() (*output.Shape, error) {
	f.shapeOnce.Do(func() {
		o := f.shapeOptions()
		if !o.Any() {
			return
		}
		f.shape, f.shapeErr = output.NewShape(o)
		if f.shapeErr != nil {
			f.shapeErr = UsageError(f.shapeErr)
			return
		}
		// -o on the command line must agree: --jq and --template print
		// the JSON data shaped (-o json is allowed, table and yaml are
		// not), --columns prints a table.
		if fl := f.GlobalFlags.Lookup("output"); fl != nil && fl.Changed {
			want, flag := "json", "--jq"
			if o.Template != "" {
				flag = "--template"
			}
			if o.Columns != "" {
				want, flag = "table", "--columns"
			}
			if got := fl.Value.String(); got != want {
				f.shape, f.shapeErr = nil, UsageErrorf("%s prints %s data; -o %s does not go with it (drop -o)", flag, want, got)
			}
		}
	})
	return f.shape, f.shapeErr
}

// CheckShape checks the shaping flags before c runs: the expression or
// template compiles, -o agrees, and the columns are keys of c's result
// when c declares them (JSONKeys). Everything here is offline: an error
// exits 2 before any request.
func (f *Factory) CheckShape(c *cobra.Command) error {
	s, err := f.Shape()
	if err != nil || s == nil {
		return err
	}
	if c.Annotations[noResultAnnotation] != "" {
		return UsageErrorf("%s prints no result to shape: --jq, --template and --columns do not apply", c.CommandPath())
	}
	if keys := DeclaredKeys(c); len(keys) > 0 {
		if err := s.CheckColumns(keys); err != nil {
			return UsageError(err)
		}
	}
	return nil
}

// JSONKeys declares the JSON keys of c's result, taken from sample's type
// (a struct, or a slice of them), so they cannot drift from what is
// printed: --help names them and --columns is checked against them before
// c runs. when says in which case the keys are these ("" always, or e.g.
// "with --remote"); several calls add up.
//
// The keys are worked out when first needed (ResolveKeys: by --help,
// DeclaredKeys, NewRootCmd), not here: reflecting on every result type
// and rewriting every Long text cost a fifth of the start-up of
// `instance buy` completion, which needs none of it.
func JSONKeys(c *cobra.Command, when string, sample any) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	decl := strconv.Itoa(keyTypeID(reflect.TypeOf(sample))) + ":" + when
	if p := c.Annotations[pendingKeysAnnotation]; p != "" {
		decl = p + "\n" + decl
	}
	c.Annotations[pendingKeysAnnotation] = decl
}

// pendingKeysAnnotation holds c's JSONKeys declarations not yet worked
// out, one a line: the result type's number in keyTypes, ':', when.
const pendingKeysAnnotation = "flexusl/json-keys-pending"

// keyTypes numbers the result types JSONKeys was given (a few dozen): an
// annotation can only hold a string.
var keyTypes struct {
	sync.Mutex
	list []reflect.Type
}

func keyTypeID(t reflect.Type) int {
	keyTypes.Lock()
	defer keyTypes.Unlock()
	for i, k := range keyTypes.list {
		if k == t {
			return i
		}
	}
	keyTypes.list = append(keyTypes.list, t)
	return len(keyTypes.list) - 1
}

// ResolveKeys works out the JSON keys c declared (JSONKeys): it sets the
// annotation DeclaredKeys reads and adds the keys to c's Long help. Once
// done it does nothing.
func ResolveKeys(c *cobra.Command) {
	pending, ok := c.Annotations[pendingKeysAnnotation]
	if !ok {
		return
	}
	delete(c.Annotations, pendingKeysAnnotation)
	for _, decl := range strings.Split(pending, "\n") {
		id, when, _ := strings.Cut(decl, ":")
		n, err := strconv.Atoi(id)
		if err != nil {
			panic("cmdutil: bad JSON keys declaration " + strconv.Quote(decl))
		}
		keyTypes.Lock()
		t := keyTypes.list[n]
		keyTypes.Unlock()
		declareKeys(c, when, t)
	}
}

// ResolveAllKeys is ResolveKeys on c and every command under it.
func ResolveAllKeys(c *cobra.Command) {
	ResolveKeys(c)
	for _, sub := range c.Commands() {
		ResolveAllKeys(sub)
	}
}

func declareKeys(c *cobra.Command, when string, t reflect.Type) {
	keys := output.KeyNames(output.KeysOf(t))
	all := DeclaredKeys(c)
	for _, k := range keys {
		if !contains(all, k) {
			all = append(all, k)
		}
	}
	c.Annotations[jsonKeysAnnotation] = strings.Join(all, ",")
	head := "JSON keys (-o json, --jq, --template, --columns)"
	if when != "" {
		head = "JSON keys " + when
	}
	base := strings.TrimRight(c.Long, "\n")
	if base == "" {
		base = c.Short + "."
	}
	c.Long = base + "\n\n" + wrap(head+": "+strings.Join(keys, ", ")+".", 76)
}

// wrap breaks s into lines of at most width characters, at spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		switch {
		case i == 0:
		case n+1+len(w) > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// noResultAnnotation marks a command that prints no result (NoResult).
const noResultAnnotation = "flexusl/no-result"

// NoResult marks commands that print no result through the output layer
// (they change a file, serve, or print a bare value): the shaping flags
// are refused there (exit 2), not silently ignored. It returns cmds.
func NoResult(cmds ...*cobra.Command) []*cobra.Command {
	for _, c := range cmds {
		if c.Annotations == nil {
			c.Annotations = map[string]string{}
		}
		c.Annotations[noResultAnnotation] = "true"
	}
	return cmds
}

// DeclaredKeys is what JSONKeys declared for c (nil: nothing).
func DeclaredKeys(c *cobra.Command) []string {
	ResolveKeys(c)
	if s := c.Annotations[jsonKeysAnnotation]; s != "" {
		return strings.Split(s, ",")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// CompleteColumns completes --columns with the keys c declares, after
// the ones already typed.
func CompleteColumns(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []string
	for _, k := range DeclaredKeys(c) {
		if strings.HasPrefix(k, last) && !contains(strings.Split(done, ","), k) {
			out = append(out, done+k)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// printShaped prints data through the shape. A shape that fails on the
// result itself is an error (exit 1: the command did run); but after this
// run sent a call that changes something (an attempt was journaled), the
// result must not be lost: it is printed as plain JSON, the failure is a
// warning, and the exit code is the command's.
func (f *Factory) printShaped(s *output.Shape, data any) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if done := f.IO.Interrupted(); done != nil {
		go func() {
			select {
			case <-done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	known := output.KeyNames(output.KeysOf(reflect.TypeOf(data)))
	err := s.Write(ctx, f.IO.Out, data, known, f.IO.IsStdoutTTY())
	if err == nil {
		return nil
	}
	if f.attempted.Load() {
		f.IO.Warnf("%v; the result is printed as plain JSON instead", err)
		return output.WriteJSON(f.IO.Out, data)
	}
	var ue *output.UsageError
	var re *output.RuntimeError
	if errors.As(err, &ue) || errors.As(err, &re) {
		return err
	}
	return fmt.Errorf("print result: %w", err)
}
