// authgen scaffolded this file once; it is yours now, and authgen never
// overwrites it. Write your hooks here: authgen's regenerated code calls
// them. A hook a new authgen version adds takes BaseHooks' behaviour until
// you write it.

package auth

import (
	"context"
	"log/slog"
	"net/http"
)

// AppHooks are this service's hooks; the server passes them to New. The
// methods not written here are BaseHooks': they mail the reset-password and
// verification links, and do nothing else.
//
// To refuse a password (ValidatePassword) or a deletion (OnBeforeDelete)
// with words for the client, return Reject("Password should contain a
// digit"): only a *UserError's text reaches the client. Any other error,
// such as a failed look-up, refuses with a generic reason and is logged.
// Errors and panics of the after-hooks are logged and change nothing.
type AppHooks struct {
	BaseHooks
	// Logger records the events below; nil discards them.
	Logger *slog.Logger
}

// OnAfterRegister records each new user. Send a welcome mail or provision
// the account here.
func (h AppHooks) OnAfterRegister(ctx context.Context, user User, r *http.Request) error {
	if h.Logger != nil {
		h.Logger.InfoContext(ctx, "user registered", "user", user.ID)
	}
	return nil
}
