package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/contact"
	"kpss/internal/suggestion"
)

func init() { Register(95, "public", loadPublic) }

// loadPublic sets the coordinator's public contact and leaves two citizens'
// suggestions waiting for the coordinator's review before their text is
// published (one of them names a person, so she will hide it).
func loadPublic(ctx context.Context, d Deps, ids *IDs) error {
	cs := &contact.Service{DB: d.DB, Audit: d.Audit, Now: d.Now}
	if _, err := cs.SaveAs(ctx, contact.Contact{Name: "Mgr. Jana Dvořáková, koordinátorka KPSS", Phone: "+420 577 680 111", Email: "kpss@otrokovice.example",
		Hours: "po a st 8–17, út a čt 8–14, pá po domluvě", Address: "Městský úřad Otrokovice, nám. 3. května 1340, kancelář 112"}); err != nil {
		return fmt.Errorf("contact: %w", err)
	}
	svc := suggestion.NewService(d.DB, d.Audit, d.Now, d.Partners, nil, "", nil)
	muni := ids.Municipalities["Otrokovice"]
	cats, err := svc.Categories(ctx, false)
	if err != nil || len(cats) == 0 {
		return err
	}
	byCode := map[string]int64{}
	for _, c := range cats {
		byCode[c.Code] = c.ID
	}
	for _, in := range []suggestion.Input{
		{Text: "Na zastávce u nádraží chybí přístřešek, v dešti tam senioři moknou.", CategoryID: byCode["doprava"], MunicipalityID: muni, Address: "Nádražní ulice"},
		{Text: "Pan Novák z čísla 12 nechává psa volně pobíhat po chodníku u školky.", CategoryID: byCode["bezpecnost"], MunicipalityID: muni},
	} {
		in.SenderKey = suggestion.SenderKey("192.0.2.1", "demo "+time.Now().String())
		if _, err := svc.Submit(ctx, in); err != nil {
			return fmt.Errorf("pending suggestion: %w", err)
		}
	}
	return nil
}
