package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ast/astutil"
)

// formatGo returns src, a rendered Go file, gofmt'd and with the imports
// it does not use removed. Templates list every import their file may need,
// grouped as goimports groups them (the standard library, then other
// modules, then the packages of module, the module generated into), so
// that they hold no import bookkeeping: the code rendered decides which
// stay. The file is parsed once; x/tools' astutil deletes an import with
// the blank line of a group it empties.
//
// Which imports are used is decided here rather than by astutil.UsesImport,
// which guesses a package's name from the last element of its path and so
// takes github.com/redis/go-redis/v9 for a package v9; x/tools/imports
// would group by a local prefix held in a package variable, which
// concurrent runs for different modules would share.
func formatGo(src []byte, module string) ([]byte, error) {
	fset := token.NewFileSet()
	// Object resolution (the default) tells a package name from a local
	// variable that shadows it.
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	if err := checkImportGroups(f, fset, module); err != nil {
		return nil, err
	}
	used := usedImports(f)
	for _, spec := range slices.Clone(f.Imports) {
		imp := goImport{path: importPath(spec)}
		if spec.Name != nil {
			imp.name = spec.Name.Name
		}
		if !slices.Contains(used, imp) {
			astutil.DeleteNamedImport(fset, f, imp.name, imp.path)
		}
	}
	// gofmt's printer settings. format.Node would print, parse and sort a
	// file with grouped imports again before printing it: sorting here
	// saves that second round.
	ast.SortImports(fset, f)
	var out bytes.Buffer
	gofmt := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := gofmt.Fprint(&out, fset, f); err != nil {
		return nil, fmt.Errorf("formatting: %w", err)
	}
	return out.Bytes(), nil
}

// checkImportGroups checks that the imports of each declaration of f stand
// in goimports' groups, in order, a blank line between two groups, so that deleting the
// unused ones leaves them grouped as goimports would.
func checkImportGroups(f *ast.File, fset *token.FileSet, module string) error {
	for _, d := range f.Decls {
		d, ok := d.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT {
			continue
		}
		for i := 1; i < len(d.Specs); i++ {
			prev, spec := d.Specs[i-1].(*ast.ImportSpec), d.Specs[i].(*ast.ImportSpec)
			pg, g := importGroup(importPath(prev), module), importGroup(importPath(spec), module)
			apart := fset.Position(spec.Pos()).Line-fset.Position(prev.End()).Line > 1
			if g < pg || (g != pg) != apart {
				return fmt.Errorf("%s: import %s is not in its goimports group (the standard library, other modules, then %s, a blank line between groups)", fset.Position(spec.Pos()), spec.Path.Value, module)
			}
		}
	}
	return nil
}

// goImport is one import of a Go file: its path, and its name when the
// file gives one.
type goImport struct {
	name, path string
}

// usedImports returns the imports of f that f refers to: those with a
// package name that qualifies an identifier, and every blank or dot
// import.
func usedImports(f *ast.File) []goImport {
	qualifiers := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			// An identifier the parser resolved is a variable, constant,
			// type or function of the file, not a package.
			if x, ok := sel.X.(*ast.Ident); ok && x.Obj == nil {
				qualifiers[x.Name] = true
			}
		}
		return true
	})
	var used []goImport
	for _, spec := range f.Imports {
		imp := goImport{path: importPath(spec)}
		if spec.Name != nil {
			imp.name = spec.Name.Name
		}
		switch imp.name {
		case "_", ".":
			used = append(used, imp)
		case "":
			if qualifiers[assumedPackageName(imp.path)] {
				used = append(used, imp)
			}
		default:
			if qualifiers[imp.name] {
				used = append(used, imp)
			}
		}
	}
	return used
}

func importPath(spec *ast.ImportSpec) string {
	// The scanner accepted the literal, so it unquotes.
	p, _ := strconv.Unquote(spec.Path.Value)
	return p
}

// assumedPackageName is the name of the package at importPath as goimports
// assumes it: the last element of the path, or the one before a major
// version suffix (/v9), without a "go-" prefix and from the first character
// that cannot be in an identifier. A template imports a package whose name
// differs from that under an explicit name.
func assumedPackageName(importPath string) string {
	base := path.Base(importPath)
	if version, ok := strings.CutPrefix(base, "v"); ok {
		if _, err := strconv.Atoi(version); err == nil {
			base = path.Base(path.Dir(importPath))
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, notInIdentifier); i >= 0 {
		base = base[:i]
	}
	return base
}

func notInIdentifier(r rune) bool {
	return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// importGroup numbers the goimports group of importPath: 0 for the
// standard library (no dot in the first path element), 1 for other
// modules, 2 for the packages of module.
func importGroup(importPath, module string) int {
	switch first, _, _ := strings.Cut(importPath, "/"); {
	case importPath == module || strings.HasPrefix(importPath, module+"/"):
		return 2
	case strings.Contains(first, "."):
		return 1
	default:
		return 0
	}
}
