// Package argo is a small command-line flag parser supporting long
// options (--name=value, --name value), short options (-v, -abc bundles)
// and a "--" terminator after which everything is positional.
package argo

import (
	"fmt"
	"strconv"
	"strings"
)

type kind int

const (
	kindBool kind = iota
	kindString
	kindInt
)

type flagSpec struct {
	long  string
	short byte
	help  string
	kind  kind
	dest  interface{}
}

// Parser collects flag definitions and parses argument lists.
type Parser struct {
	Program string
	specs   []*flagSpec
	byLong  map[string]*flagSpec
	byShort map[byte]*flagSpec
	Args    []string
}

// New returns an empty parser for the named program.
func New(program string) *Parser {
	return &Parser{
		Program: program,
		byLong:  make(map[string]*flagSpec),
		byShort: make(map[byte]*flagSpec),
	}
}

func (p *Parser) add(s *flagSpec) {
	if _, dup := p.byLong[s.long]; dup {
		panic("argo: duplicate flag --" + s.long)
	}
	p.specs = append(p.specs, s)
	p.byLong[s.long] = s
	if s.short != 0 {
		p.byShort[s.short] = s
	}
}

// Bool registers a boolean switch.
func (p *Parser) Bool(dest *bool, long string, short byte, help string) {
	p.add(&flagSpec{long: long, short: short, help: help, kind: kindBool, dest: dest})
}

// String registers an option taking a string value.
func (p *Parser) String(dest *string, long string, short byte, help string) {
	p.add(&flagSpec{long: long, short: short, help: help, kind: kindString, dest: dest})
}

// Int registers an option taking an integer value.
func (p *Parser) Int(dest *int, long string, short byte, help string) {
	p.add(&flagSpec{long: long, short: short, help: help, kind: kindInt, dest: dest})
}

func (s *flagSpec) set(raw string) error {
	switch s.kind {
	case kindString:
		*(s.dest.(*string)) = raw
	case kindInt:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("--%s: %q is not an integer", s.long, raw)
		}
		*(s.dest.(*int)) = n
	case kindBool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("--%s: %q is not a boolean", s.long, raw)
		}
		*(s.dest.(*bool)) = b
	}
	return nil
}

// Parse consumes args (without the program name). Unknown flags are errors.
func (p *Parser) Parse(args []string) error {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			p.Args = append(p.Args, args[i+1:]...)
			return nil
		case strings.HasPrefix(arg, "--"):
			name, value, hasValue := strings.Cut(arg[2:], "=")
			spec, ok := p.byLong[name]
			if !ok {
				return fmt.Errorf("unknown flag --%s", name)
			}
			if spec.kind == kindBool && !hasValue {
				*(spec.dest.(*bool)) = true
				continue
			}
			if !hasValue {
				if i+1 >= len(args) {
					return fmt.Errorf("--%s requires a value", name)
				}
				i++
				value = args[i]
			}
			if err := spec.set(value); err != nil {
				return err
			}
		case len(arg) > 1 && arg[0] == '-':
			for j := 1; j < len(arg); j++ {
				spec, ok := p.byShort[arg[j]]
				if !ok {
					return fmt.Errorf("unknown flag -%c", arg[j])
				}
				if spec.kind == kindBool {
					*(spec.dest.(*bool)) = true
					continue
				}
				rest := arg[j+1:]
				if rest == "" {
					if i+1 >= len(args) {
						return fmt.Errorf("-%c requires a value", arg[j])
					}
					i++
					rest = args[i]
				}
				if err := spec.set(rest); err != nil {
					return err
				}
				break
			}
		default:
			p.Args = append(p.Args, arg)
		}
	}
	return nil
}
