package argo

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteUsage prints a help screen listing every registered flag, sorted
// by long name, with the help text aligned in a second column.
func (p *Parser) WriteUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s [options] [args...]\n\noptions:\n", p.Program)

	specs := append([]*flagSpec(nil), p.specs...)
	sort.Slice(specs, func(a, b int) bool { return specs[a].long < specs[b].long })

	labels := make([]string, len(specs))
	width := 0
	for i, s := range specs {
		label := "    --" + s.long
		if s.short != 0 {
			label = fmt.Sprintf("-%c, --%s", s.short, s.long)
		}
		switch s.kind {
		case kindString:
			label += " <text>"
		case kindInt:
			label += " <n>"
		}
		labels[i] = label
		if len(label) > width {
			width = len(label)
		}
	}
	for i, s := range specs {
		pad := strings.Repeat(" ", width-len(labels[i])+2)
		fmt.Fprintf(w, "  %s%s%s\n", labels[i], pad, s.help)
	}
}

// Usage returns the help screen as a string.
func (p *Parser) Usage() string {
	var sb strings.Builder
	p.WriteUsage(&sb)
	return sb.String()
}
