package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/authgen/authgen/spec"
)

// askSpec asks for every answer that no flag gave.
func askSpec(p Prompter, flags *pflag.FlagSet, sp *spec.Spec) error {
	if !flags.Changed("db") {
		db, err := p.Select("Database", spec.Databases, sp.Database)
		if err != nil {
			return err
		}
		sp.Database = db
	}
	if !flags.Changed("backend") {
		var defs []string
		for _, b := range sp.Backends {
			defs = append(defs, b.Transport+"-"+b.Strategy)
		}
		kinds, err := p.MultiSelect("Auth backends", spec.BackendKinds(), defs)
		if err != nil {
			return err
		}
		if sp.Backends, err = backendsFromKinds(kinds); err != nil {
			return err
		}
	}
	if !flags.Changed("field") {
		for {
			more, err := p.Confirm("Add a custom user field?", false)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			field, err := askField(p, sp.Fields)
			if err != nil {
				return err
			}
			sp.Fields = append(sp.Fields, field)
		}
	}
	if !flags.Changed("package") {
		dir, err := p.Input("Directory of the generated package", sp.Package, spec.ValidateDir)
		if err != nil {
			return err
		}
		sp.Package = dir
	}
	if !flags.Changed("server") {
		dir, err := p.Input("Directory of the server", sp.Server, func(s string) error {
			if s == sp.Package {
				return errors.New("the server needs a directory of its own")
			}
			return spec.ValidateDir(s)
		})
		if err != nil {
			return err
		}
		sp.Server = dir
	}
	return nil
}

func askField(p Prompter, existing []spec.Field) (spec.Field, error) {
	name, err := p.Input("Field name (snake_case)", "", func(s string) error {
		if slices.ContainsFunc(existing, func(f spec.Field) bool { return f.Name == s }) {
			return fmt.Errorf("field %q is already defined", s)
		}
		return spec.ValidateFieldName(s)
	})
	if err != nil {
		return spec.Field{}, err
	}
	typ, err := p.Select("Type of "+name, spec.FieldTypes, "string")
	if err != nil {
		return spec.Field{}, err
	}
	var values []string
	if typ == "enum" {
		answer, err := p.Input("Values of "+name+" (comma-separated)", "", func(s string) error {
			_, err := spec.ParseField(name + ":enum[" + s + "]")
			return err
		})
		if err != nil {
			return spec.Field{}, err
		}
		values = strings.Split(answer, ",")
	}
	required, err := p.Confirm("Is "+name+" required at registration?", false)
	if err != nil {
		return spec.Field{}, err
	}
	return spec.Field{Name: name, Type: typ, Required: required, Values: values}, nil
}

// equivalentCommand is the init command line that gives spec without
// asking.
func equivalentCommand(sp spec.Spec) string {
	parts := []string{"authgen init", "--db " + sp.Database}
	for _, b := range sp.Backends {
		parts = append(parts, "--backend "+b.Transport+"-"+b.Strategy)
	}
	for _, f := range sp.Fields {
		parts = append(parts, "--field "+f.String())
	}
	parts = append(parts, "--package "+sp.Package, "--server "+sp.Server, "--yes")
	return strings.Join(parts, " ")
}
