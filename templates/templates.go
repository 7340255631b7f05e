// Package templates holds the templates authgen renders, embedded in the
// binary. Each template is named after the file it produces.
package templates

import "embed"

// FS holds the templates: auth/ for the generated package (auth/<database>/
// for what differs between databases) and server/ for the server's main
// package.
//
//go:embed auth server
var FS embed.FS
