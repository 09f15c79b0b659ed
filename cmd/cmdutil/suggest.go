package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/suggest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// One suggestion style for every typo: an unknown command at any level and
// an unknown flag get "did you mean X?" naming what to type, found the same
// way (pkg/suggest). Words people bring from other CLIs ("create", "get",
// "rm", "login") are declared where they belong, as the SuggestFor of the
// command that does it (instance buy: create, new, purchase), so the list
// cannot drift from the tree.

// UnknownCommandError is the error for an unknown subcommand word of c
// (exit 2), with suggestions.
func UnknownCommandError(c *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q for %q", word, c.CommandPath())
	if s := SuggestCommands(c, word); len(s) > 0 {
		msg += "; did you mean " + quoteAll(s) + "?"
	}
	return UsageErrorf("%s; see: %s --help", msg, c.CommandPath())
}

// SuggestCommands returns the full command lines (up to three) close to
// word typed after c: c's subcommands within a typo's distance first, else
// deeper commands of that name or close to it ("login" -> auth login), else
// for the top level the command a common verb means.
func SuggestCommands(c *cobra.Command, word string) []string {
	if out := suggestedFor(c, strings.ToLower(word)); len(out) > 0 {
		return out
	}
	var names []string
	byName := map[string][]*cobra.Command{}
	add := func(s *cobra.Command, name string) {
		if _, ok := byName[name]; !ok {
			names = append(names, name)
		}
		byName[name] = append(byName[name], s)
	}
	for _, s := range c.Commands() {
		if !s.IsAvailableCommand() && s.Name() != "help" {
			continue
		}
		add(s, s.Name())
		for _, a := range s.Aliases {
			add(s, a)
		}
	}
	var out []string
	for _, n := range suggest.Closest(word, names) {
		for _, s := range byName[n] {
			out = appendUnique(out, s.CommandPath())
		}
	}
	if len(out) == 0 {
		names, byName = nil, map[string][]*cobra.Command{}
		var walk func(p *cobra.Command, depth int)
		walk = func(p *cobra.Command, depth int) {
			for _, s := range p.Commands() {
				if !s.IsAvailableCommand() {
					continue
				}
				if depth > 0 {
					add(s, s.Name())
					for _, a := range s.Aliases {
						add(s, a)
					}
				}
				walk(s, depth+1)
			}
		}
		walk(c, 0)
		for _, n := range suggest.Closest(word, names) {
			for _, s := range byName[n] {
				out = appendUnique(out, s.CommandPath())
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// suggestedFor returns the commands below c (children first, then deeper)
// that declare word among their SuggestFor: "instance create" and a
// top-level "create" both lead to `flexusl instance buy`.
func suggestedFor(c *cobra.Command, word string) []string {
	var out []string
	level := c.Commands()
	for len(level) > 0 && len(out) == 0 {
		var next []*cobra.Command
		for _, s := range level {
			if !s.IsAvailableCommand() {
				continue
			}
			for _, w := range s.SuggestFor {
				if w == word {
					out = appendUnique(out, s.CommandPath())
				}
			}
			next = append(next, s.Commands()...)
		}
		level = next
	}
	return out
}

// SuggestFlags returns up to three flags of c (as --name) close to name,
// the flag typed without its dashes.
func SuggestFlags(c *cobra.Command, name string) []string {
	var names []string
	c.Flags().VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	})
	c.InheritedFlags().VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && c.Flags().Lookup(fl.Name) == nil {
			names = append(names, fl.Name)
		}
	})
	var out []string
	for _, n := range suggest.Closest(name, names) {
		out = appendUnique(out, "--"+n)
	}
	return out
}

// FlagErrorFunc marks cobra's flag errors as usage errors and suggests a
// flag for an unknown one (--nmae: did you mean --name?; -name: --name).
func FlagErrorFunc(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		typed := ne.GetSpecifiedName()
		if sh := ne.GetSpecifiedShortnames(); sh != "" {
			// -name: pflag read it as the shorthands -n -a -m -e; the
			// person most likely meant a long flag.
			typed = sh
		}
		if s := SuggestFlags(cmd, typed); len(typed) > 1 && len(s) > 0 {
			return UsageErrorf("%w; did you mean %s?; see: %s --help", err, strings.Join(s, " or "), cmd.CommandPath())
		}
	}
	return UsageErrorf("%w; see: %s --help", err, cmd.CommandPath())
}

func quoteAll(cmds []string) string {
	q := make([]string, len(cmds))
	for i, c := range cmds {
		q[i] = "`" + c + "`"
	}
	return strings.Join(q, " or ")
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
