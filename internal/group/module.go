package group

// Module is what the module's Init returns; the modules above reach the
// service through it (Env.Modules["group"]) and plug their seams in:
//
//	g := env.Modules["group"].(*group.Module)
//	g.Svc.Suggestions = mySuggestionRefs
type Module struct {
	Svc *Service
	H   *Handler
	P   *Policies
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}
