package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Prompter asks the questions of `authgen init`. Tests drive it with
// scripted answers.
type Prompter interface {
	// Select asks for one of options; def is taken on an empty answer.
	Select(question string, options []string, def string) (string, error)
	// MultiSelect asks for one or more of options.
	MultiSelect(question string, options []string, defs []string) ([]string, error)
	// Input asks for a line of text, asking again while validate refuses it.
	Input(question, def string, validate func(string) error) (string, error)
	// Confirm asks a yes-or-no question.
	Confirm(question string, def bool) (bool, error)
}

// TerminalPrompter asks on a terminal, one line an answer: options are
// numbered and may be answered by number or by name, and an empty answer
// takes the default shown in brackets.
type TerminalPrompter struct {
	in  *bufio.Reader
	out io.Writer
}

// NewTerminalPrompter returns a prompter reading answers from in and
// writing questions to out.
func NewTerminalPrompter(in io.Reader, out io.Writer) *TerminalPrompter {
	return &TerminalPrompter{in: bufio.NewReader(in), out: out}
}

// errNoAnswer is an input that ended before the question was answered.
var errNoAnswer = errors.New("input ended before the question was answered")

func (p *TerminalPrompter) ask(question, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(p.out, "? %s [%s]: ", question, def)
	} else {
		fmt.Fprintf(p.out, "? %s: ", question)
	}
	line, err := p.in.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		if err == io.EOF {
			return "", errNoAnswer
		}
		return "", fmt.Errorf("reading an answer: %w", err)
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return def, nil
	}
	return line, nil
}

func (p *TerminalPrompter) listOptions(options []string) {
	for i, o := range options {
		fmt.Fprintf(p.out, "  %d) %s\n", i+1, o)
	}
}

// pick returns the option an answer names, by number or by name.
func pick(answer string, options []string) (string, bool) {
	if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
		return options[n-1], true
	}
	if slices.Contains(options, answer) {
		return answer, true
	}
	return "", false
}

func (p *TerminalPrompter) Select(question string, options []string, def string) (string, error) {
	p.listOptions(options)
	for {
		answer, err := p.ask(question, def)
		if err != nil {
			return "", err
		}
		if o, ok := pick(answer, options); ok {
			return o, nil
		}
		fmt.Fprintf(p.out, "  %q is not one of the options; answer with a number from 1 to %d\n", answer, len(options))
	}
}

func (p *TerminalPrompter) MultiSelect(question string, options []string, defs []string) ([]string, error) {
	p.listOptions(options)
	question += " (numbers or names, separated by commas)"
outer:
	for {
		answer, err := p.ask(question, strings.Join(defs, ","))
		if err != nil {
			return nil, err
		}
		var chosen []string
		for _, part := range strings.Split(answer, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			o, ok := pick(part, options)
			if !ok {
				fmt.Fprintf(p.out, "  %q is not one of the options\n", part)
				continue outer
			}
			if !slices.Contains(chosen, o) {
				chosen = append(chosen, o)
			}
		}
		if len(chosen) == 0 {
			fmt.Fprintln(p.out, "  choose at least one")
			continue
		}
		return chosen, nil
	}
}

func (p *TerminalPrompter) Input(question, def string, validate func(string) error) (string, error) {
	for {
		answer, err := p.ask(question, def)
		if err != nil {
			return "", err
		}
		if err := validate(answer); err != nil {
			fmt.Fprintf(p.out, "  %v\n", err)
			continue
		}
		return answer, nil
	}
}

func (p *TerminalPrompter) Confirm(question string, def bool) (bool, error) {
	hint := "y/N"
	if def {
		hint = "Y/n"
	}
	for {
		answer, err := p.ask(question+" ("+hint+")", "")
		if err != nil {
			return false, err
		}
		switch strings.ToLower(answer) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		fmt.Fprintln(p.out, "  answer y or n")
	}
}
