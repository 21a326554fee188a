package partner

import (
	_ "embed"
	"slices"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the registry's part of the API description: an OpenAPI 3.1
// fragment holding only "paths" and "components.schemas", merged by the
// server into /api/v1/openapi.json. Security is declared there, not here.
func OpenAPI() []byte { return slices.Clone(openAPI) }
