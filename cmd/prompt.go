package cmd

import (
	"errors"
	"fmt"
	"io"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// Prompter asks the questions of `authgen init`. Tests drive it with
// scripted answers. Every question has a help text, which the terminal
// shows when the user types ?, so that the choices can be explained
// without crowding the question.
type Prompter interface {
	// Select asks for one of options; def is the one chosen at first.
	Select(question, help string, options []string, def string) (string, error)
	// MultiSelect asks for at least min of options; defs are chosen at
	// first. A min of 0 lets the user choose none, for what is optional.
	MultiSelect(question, help string, options, defs []string, min int) ([]string, error)
	// Input asks for a line of text, asking again while validate refuses
	// it; an empty answer takes def.
	Input(question, help, def string, validate func(string) error) (string, error)
	// Confirm asks a yes-or-no question.
	Confirm(question, help string, def bool) (bool, error)
}

// errInterrupted is Ctrl-C during a question: the user wants out, which
// is no failure of authgen's own.
var errInterrupted = errors.New("interrupted by Ctrl-C")

// TerminalPrompter asks with survey's prompts: options are chosen with the
// arrow keys (and space, when several may be), answers are checked as they
// are given, and ? shows a question's help.
type TerminalPrompter struct {
	// in and out are nil when the streams are no files, which a terminal
	// always is: survey switches the terminal's mode through them.
	in  terminal.FileReader
	out terminal.FileWriter
}

// NewTerminalPrompter returns a prompter reading keys from in and drawing
// on out, which must be the files of a terminal.
func NewTerminalPrompter(in io.Reader, out io.Writer) *TerminalPrompter {
	fin, _ := in.(terminal.FileReader)
	fout, _ := out.(terminal.FileWriter)
	return &TerminalPrompter{in: fin, out: fout}
}

// ask asks one question; survey's interrupt error becomes errInterrupted,
// so that the rest of authgen need not know survey.
func (p *TerminalPrompter) ask(prompt survey.Prompt, answer any, opts ...survey.AskOpt) error {
	if p.in == nil || p.out == nil {
		return errors.New("questions need a terminal: answer them with flags, or take the defaults with --yes")
	}
	err := survey.AskOne(prompt, answer, append(opts, survey.WithStdio(p.in, p.out, p.out))...)
	if errors.Is(err, terminal.InterruptErr) {
		return errInterrupted
	}
	return err
}

func (p *TerminalPrompter) Select(question, help string, options []string, def string) (string, error) {
	var answer string
	err := p.ask(&survey.Select{Message: question, Help: help, Options: options, Default: def}, &answer,
		survey.WithPageSize(len(options)))
	return answer, err
}

func (p *TerminalPrompter) MultiSelect(question, help string, options, defs []string, min int) ([]string, error) {
	var answer []string
	err := p.ask(&survey.MultiSelect{Message: question, Help: help, Options: options, Default: defs}, &answer,
		survey.WithPageSize(len(options)),
		survey.WithValidator(func(ans any) error {
			if chosen, ok := ans.([]core.OptionAnswer); ok && len(chosen) < min {
				if min == 1 {
					return errors.New("choose at least one: space marks the option under the cursor")
				}
				return fmt.Errorf("choose at least %d: space marks the option under the cursor", min)
			}
			return nil
		}))
	return answer, err
}

func (p *TerminalPrompter) Input(question, help, def string, validate func(string) error) (string, error) {
	var answer string
	err := p.ask(&survey.Input{Message: question, Help: help, Default: def}, &answer,
		survey.WithValidator(func(ans any) error {
			s, _ := ans.(string)
			return validate(s)
		}))
	return answer, err
}

func (p *TerminalPrompter) Confirm(question, help string, def bool) (bool, error) {
	var answer bool
	err := p.ask(&survey.Confirm{Message: question, Help: help, Default: def}, &answer)
	return answer, err
}
