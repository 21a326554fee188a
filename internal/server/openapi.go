package server

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"kpss/internal/partner"
)

//go:embed openapi_base.json
var openapiBase []byte

// fragments are the modules' OpenAPI parts (paths + components.schemas),
// merged into the base document.
func fragments() [][]byte {
	out := [][]byte{partner.OpenAPI()}
	for _, m := range modules {
		if m.OpenAPI != nil {
			out = append(out, m.OpenAPI())
		}
	}
	return out
}

// OpenAPI returns the whole OpenAPI 3.1 document of /api/v1.
func OpenAPI() (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapiBase, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for i, f := range fragments() {
		var frag struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(f, &frag); err != nil {
			return nil, fmt.Errorf("openapi fragment %d: %w", i, err)
		}
		for k, v := range frag.Paths {
			if _, dup := paths[k]; dup {
				return nil, fmt.Errorf("openapi: path %s defined twice", k)
			}
			paths[k] = v
		}
		for k, v := range frag.Components.Schemas {
			if _, dup := schemas[k]; dup && k != "Error" {
				return nil, fmt.Errorf("openapi: schema %s defined twice", k)
			}
			schemas[k] = v
		}
	}
	return doc, nil
}
