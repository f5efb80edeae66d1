package argo

import (
	"reflect"
	"strings"
	"testing"
)

func newTestParser() (*Parser, *bool, *string, *int) {
	var verbose bool
	var output string
	var jobs int
	p := New("demo")
	p.Bool(&verbose, "verbose", 'v', "print progress")
	p.String(&output, "output", 'o', "write result to FILE")
	p.Int(&jobs, "jobs", 'j', "number of workers")
	return p, &verbose, &output, &jobs
}

func TestLongForms(t *testing.T) {
	p, verbose, output, jobs := newTestParser()
	err := p.Parse([]string{"--verbose", "--output=out.txt", "--jobs", "4", "in.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if !*verbose || *output != "out.txt" || *jobs != 4 {
		t.Fatalf("got verbose=%v output=%q jobs=%d", *verbose, *output, *jobs)
	}
	if !reflect.DeepEqual(p.Args, []string{"in.txt"}) {
		t.Fatalf("positional args: %v", p.Args)
	}
}

func TestShortBundle(t *testing.T) {
	p, verbose, _, jobs := newTestParser()
	if err := p.Parse([]string{"-vj8"}); err != nil {
		t.Fatal(err)
	}
	if !*verbose || *jobs != 8 {
		t.Fatalf("bundle not parsed: verbose=%v jobs=%d", *verbose, *jobs)
	}
}

func TestTerminator(t *testing.T) {
	p, verbose, _, _ := newTestParser()
	if err := p.Parse([]string{"a", "--", "-v", "--jobs"}); err != nil {
		t.Fatal(err)
	}
	if *verbose {
		t.Fatal("flag after -- must be positional")
	}
	if want := []string{"a", "-v", "--jobs"}; !reflect.DeepEqual(p.Args, want) {
		t.Fatalf("args = %v, want %v", p.Args, want)
	}
}

func TestErrors(t *testing.T) {
	cases := map[string][]string{
		"unknown flag --nope":         {"--nope"},
		"--jobs requires a value":     {"--jobs"},
		`--jobs: "many" is not an integer`: {"--jobs=many"},
	}
	for want, args := range cases {
		p, _, _, _ := newTestParser()
		err := p.Parse(args)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%v) = %v, want error containing %q", args, err, want)
		}
	}
}

func TestUsageAligned(t *testing.T) {
	p, _, _, _ := newTestParser()
	u := p.Usage()
	if !strings.Contains(u, "-j, --jobs <n>") || !strings.Contains(u, "usage: demo") {
		t.Fatalf("unexpected usage:\n%s", u)
	}
}
