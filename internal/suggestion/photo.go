package suggestion

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"kpss/internal/apperr"
)

// MaxPhoto is the largest photo accepted (10 MB).
const MaxPhoto = 10 << 20

// maxPixels guards against decompression bombs (a small file with a huge canvas).
const maxPixels = 50_000_000

// CleanPhoto checks an uploaded photo by its content (not its name or the
// browser's word), and re-encodes it: the new file holds only the pixels, so
// EXIF with GPS coordinates, the camera and the time is gone. It returns the
// clean bytes and their content type.
func CleanPhoto(b []byte) ([]byte, string, error) {
	bad := func(key string) error {
		f := apperr.Fields{}
		f.Add("photo", key)
		return f.Err()
	}
	if len(b) > MaxPhoto {
		return nil, "", bad("suggestion.err.photo_size")
	}
	ct := http.DetectContentType(b)
	if ct != "image/jpeg" && ct != "image/png" {
		return nil, "", bad("suggestion.err.photo_type")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width*cfg.Height > maxPixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", bad("suggestion.err.photo_broken")
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, "", bad("suggestion.err.photo_broken")
	}
	var out bytes.Buffer
	if ct == "image/png" {
		err = png.Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, "", bad("suggestion.err.photo_broken")
	}
	return out.Bytes(), ct, nil
}
