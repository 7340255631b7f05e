package generator

// Owner says who owns an output file and so what regenerating does to it.
type Owner string

const (
	// Generated files are rewritten on every run and deleted when no
	// longer produced.
	Generated Owner = "generated"
	// UserOwned files are scaffolded once and never touched again.
	UserOwned Owner = "user"
	// Migration files are written once and must never change after.
	Migration Owner = "migration"
	// SpecOwned is authgen.yaml: the user's, which init writes and field
	// edits; generate writes it back as it read it.
	SpecOwned Owner = "spec"
)

// outputFile is one row of the table of files authgen produces.
type outputFile struct {
	template string // path under templates/
	// dialectTemplate, set instead of template, returns the template of
	// the dialect's own version of the file, for files that differ as a
	// whole between databases.
	dialectTemplate func(dialect) string
	// path is the output path; {pkg} and {server} stand for the output
	// directories of the spec.
	path  string
	owner Owner
	// when, if set, says whether the spec behind a view needs the file.
	when func(view) bool
	// build, set instead of a template, makes the file's content in Go:
	// for a file that is data, such as the OpenAPI document, not code.
	build func(view) ([]byte, error)
}

// templateFor returns the template of the file for dialect d.
func (f outputFile) templateFor(d dialect) string {
	if f.dialectTemplate != nil {
		return f.dialectTemplate(d)
	}
	return f.template
}

func hasJWT(v view) bool              { return v.HasJWT }
func hasDatabaseStrategy(v view) bool { return v.HasDatabaseStrategy }
func hasRedis(v view) bool            { return v.HasRedis }
func hasOAuth(v view) bool            { return v.HasOAuth }

// outputFiles is the table of everything authgen can produce. Adding a
// file is adding a row.
var outputFiles = []outputFile{
	{template: "auth/config_gen.go.tmpl", path: "{pkg}/config_gen.go", owner: Generated},
	{template: "auth/service_gen.go.tmpl", path: "{pkg}/service_gen.go", owner: Generated},
	{template: "auth/errors_gen.go.tmpl", path: "{pkg}/errors_gen.go", owner: Generated},
	{template: "auth/request_gen.go.tmpl", path: "{pkg}/request_gen.go", owner: Generated},
	{template: "auth/email_gen.go.tmpl", path: "{pkg}/email_gen.go", owner: Generated},
	{template: "auth/user_gen.go.tmpl", path: "{pkg}/user_gen.go", owner: Generated},
	{template: "auth/types_gen.go.tmpl", path: "{pkg}/types_gen.go", owner: Generated, when: func(v view) bool { return v.Uses.Types() }},
	{template: "auth/password_gen.go.tmpl", path: "{pkg}/password_gen.go", owner: Generated},
	{template: "auth/token_gen.go.tmpl", path: "{pkg}/token_gen.go", owner: Generated},
	{template: "auth/jwt_gen.go.tmpl", path: "{pkg}/jwt_gen.go", owner: Generated, when: hasJWT},
	{template: "auth/dbtokens_gen.go.tmpl", path: "{pkg}/dbtokens_gen.go", owner: Generated, when: hasDatabaseStrategy},
	{template: "auth/redistokens_gen.go.tmpl", path: "{pkg}/redistokens_gen.go", owner: Generated, when: hasRedis},
	{template: "auth/health_gen.go.tmpl", path: "{pkg}/health_gen.go", owner: Generated},
	{template: "auth/transport_gen.go.tmpl", path: "{pkg}/transport_gen.go", owner: Generated},
	{template: "auth/authroutes_gen.go.tmpl", path: "{pkg}/authroutes_gen.go", owner: Generated},
	{template: "auth/limits_gen.go.tmpl", path: "{pkg}/limits_gen.go", owner: Generated},
	{template: "auth/fastapiusers_gen.go.tmpl", path: "{pkg}/fastapiusers_gen.go", owner: Generated},
	{template: "auth/fastapiusers_gen_test.go.tmpl", path: "{pkg}/fastapiusers_gen_test.go", owner: Generated},
	{template: "auth/register_gen.go.tmpl", path: "{pkg}/register_gen.go", owner: Generated},
	{template: "auth/users_gen.go.tmpl", path: "{pkg}/users_gen.go", owner: Generated},
	{template: "auth/list_gen.go.tmpl", path: "{pkg}/list_gen.go", owner: Generated},
	{template: "auth/reset_gen.go.tmpl", path: "{pkg}/reset_gen.go", owner: Generated},
	{template: "auth/verify_gen.go.tmpl", path: "{pkg}/verify_gen.go", owner: Generated},
	{template: "auth/usertokens_gen.go.tmpl", path: "{pkg}/usertokens_gen.go", owner: Generated},
	{template: "auth/mail_gen.go.tmpl", path: "{pkg}/mail_gen.go", owner: Generated},
	{template: "auth/middleware_gen.go.tmpl", path: "{pkg}/middleware_gen.go", owner: Generated},
	{template: "auth/accesslog_gen.go.tmpl", path: "{pkg}/accesslog_gen.go", owner: Generated},
	{template: "auth/admin_gen.go.tmpl", path: "{pkg}/admin_gen.go", owner: Generated},
	{template: "auth/command_gen.go.tmpl", path: "{pkg}/command_gen.go", owner: Generated},
	{template: "auth/hooks_gen.go.tmpl", path: "{pkg}/hooks_gen.go", owner: Generated},
	{template: "auth/hooks.go.tmpl", path: "{pkg}/hooks.go", owner: UserOwned},
	{template: "auth/store_gen.go.tmpl", path: "{pkg}/store_gen.go", owner: Generated},
	{template: "auth/migrate_gen.go.tmpl", path: "{pkg}/migrate_gen.go", owner: Generated},
	{dialectTemplate: func(d dialect) string { return d.databaseTemplate }, path: "{pkg}/database_gen.go", owner: Generated},
	{template: "auth/pool_gen.go.tmpl", path: "{pkg}/pool_gen.go", owner: Generated},
	{build: openAPIDocument, path: "{pkg}/openapi_gen.json", owner: Generated},
	{template: "auth/openapi_gen.go.tmpl", path: "{pkg}/openapi_gen.go", owner: Generated},
	{template: "auth/oauth_gen.go.tmpl", path: "{pkg}/oauth_gen.go", owner: Generated, when: hasOAuth},
	{template: "auth/oauthproviders_gen.go.tmpl", path: "{pkg}/oauthproviders_gen.go", owner: Generated, when: hasOAuth},
	{template: "auth/0001_init.sql.tmpl", path: "{pkg}/migrations/0001_init.sql", owner: Migration},

	{template: "auth/helpers_gen_test.go.tmpl", path: "{pkg}/helpers_gen_test.go", owner: Generated},
	{dialectTemplate: func(d dialect) string { return d.databaseTestTemplate }, path: "{pkg}/database_gen_test.go", owner: Generated},
	{template: "auth/pool_gen_test.go.tmpl", path: "{pkg}/pool_gen_test.go", owner: Generated},
	{template: "auth/redis_gen_test.go.tmpl", path: "{pkg}/redis_gen_test.go", owner: Generated, when: hasRedis},
	{template: "auth/health_gen_test.go.tmpl", path: "{pkg}/health_gen_test.go", owner: Generated},
	{template: "auth/register_gen_test.go.tmpl", path: "{pkg}/register_gen_test.go", owner: Generated},
	{template: "auth/authroutes_gen_test.go.tmpl", path: "{pkg}/authroutes_gen_test.go", owner: Generated},
	{template: "auth/limits_gen_test.go.tmpl", path: "{pkg}/limits_gen_test.go", owner: Generated},
	{template: "auth/tokens_gen_test.go.tmpl", path: "{pkg}/tokens_gen_test.go", owner: Generated},
	{template: "auth/users_gen_test.go.tmpl", path: "{pkg}/users_gen_test.go", owner: Generated},
	{template: "auth/list_gen_test.go.tmpl", path: "{pkg}/list_gen_test.go", owner: Generated},
	{template: "auth/hooks_gen_test.go.tmpl", path: "{pkg}/hooks_gen_test.go", owner: Generated},
	{template: "auth/reset_gen_test.go.tmpl", path: "{pkg}/reset_gen_test.go", owner: Generated},
	{template: "auth/verify_gen_test.go.tmpl", path: "{pkg}/verify_gen_test.go", owner: Generated},
	{template: "auth/mail_gen_test.go.tmpl", path: "{pkg}/mail_gen_test.go", owner: Generated},
	{template: "auth/middleware_gen_test.go.tmpl", path: "{pkg}/middleware_gen_test.go", owner: Generated},
	{template: "auth/accesslog_gen_test.go.tmpl", path: "{pkg}/accesslog_gen_test.go", owner: Generated},
	{template: "auth/admin_gen_test.go.tmpl", path: "{pkg}/admin_gen_test.go", owner: Generated},
	{template: "auth/command_gen_test.go.tmpl", path: "{pkg}/command_gen_test.go", owner: Generated},
	{template: "auth/service_gen_test.go.tmpl", path: "{pkg}/service_gen_test.go", owner: Generated},
	{template: "auth/email_gen_test.go.tmpl", path: "{pkg}/email_gen_test.go", owner: Generated},
	{template: "auth/password_gen_test.go.tmpl", path: "{pkg}/password_gen_test.go", owner: Generated},
	{template: "auth/openapi_gen_test.go.tmpl", path: "{pkg}/openapi_gen_test.go", owner: Generated},
	{template: "auth/oauth_gen_test.go.tmpl", path: "{pkg}/oauth_gen_test.go", owner: Generated, when: hasOAuth},

	{template: "server/main.go.tmpl", path: "{server}/main.go", owner: UserOwned},
}
