package video

import "github.com/autoevent/autoevent/internal/content/render"

// titleFont is the embedded Nanum Gothic Bold of the card renderer, so
// title cards look like the cards and render on machines with no fonts.
func titleFont() []byte { return render.FontBold() }
