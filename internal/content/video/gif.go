package video

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"sort"
	"time"

	xdraw "golang.org/x/image/draw"
)

const (
	gifLongSide = 480 // px: small enough to send, big enough to read a title
	gifFPS      = 2
	gifColors   = 256
)

// makeGIF is the fallback without ffmpeg: the same stills at about two
// frames a second, each zooming a little, with a blended frame between
// them, on one median-cut palette shared by all frames.
func makeGIF(ctx context.Context, s Spec, segs []segment) (Result, error) {
	w, h := s.Width, s.Height
	if w >= h {
		w, h = gifLongSide, gifLongSide*s.Height/s.Width
	} else {
		w, h = gifLongSide*s.Width/s.Height, gifLongSide
	}
	total := max(len(segs), int(s.Duration.Seconds()*gifFPS+0.5))
	counts := timeline(total, len(segs), 0)
	var frames []*image.RGBA
	for i, sg := range segs {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		// One cover-fitted still 10 % larger than the frame; each GIF frame
		// is a window of it, like the MP4's zoom.
		big := image.NewRGBA(image.Rect(0, 0, w*11/10, h*11/10))
		cover(big, sg.img)
		for k := range counts[i] {
			f := image.NewRGBA(image.Rect(0, 0, w, h))
			z := float64(k) / float64(max(1, counts[i]-1)) // 0 → 1
			if sg.motion == zoomOut || sg.motion == panDown {
				z = 1 - z
			}
			cw, ch := int(float64(big.Rect.Dx())-z*float64(big.Rect.Dx()-w)), int(float64(big.Rect.Dy())-z*float64(big.Rect.Dy()-h))
			x0, y0 := (big.Rect.Dx()-cw)/2, (big.Rect.Dy()-ch)/2
			xdraw.ApproxBiLinear.Scale(f, f.Rect, big, image.Rect(x0, y0, x0+cw, y0+ch), xdraw.Src, nil)
			if k == 0 && i > 0 {
				blend(f, frames[len(frames)-1])
			}
			frames = append(frames, f)
		}
	}
	pal := medianCut(frames, gifColors)
	g := &gif.GIF{Config: image.Config{ColorModel: pal, Width: w, Height: h}}
	// Delays in 1/100 s add up to the duration exactly.
	cs := int(s.Duration / (10 * time.Millisecond))
	for i, f := range frames {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		p := image.NewPaletted(f.Rect, pal)
		xdraw.FloydSteinberg.Draw(p, f.Rect, f, image.Point{})
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, cs*(i+1)/len(frames)-cs*i/len(frames))
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		return Result{}, fmt.Errorf("video: gif: %w", err)
	}
	return Result{Data: buf.Bytes(), ContentType: "image/gif", Format: FormatGIF,
		Duration: time.Duration(cs) * 10 * time.Millisecond, Notice: NoticeGIF}, nil
}

// cover scales src to fill dst, cropping the overflow around the centre.
func cover(dst *image.RGBA, src image.Image) {
	sb := src.Bounds()
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	// Crop src to dst's aspect ratio.
	cw, ch := sb.Dx(), sb.Dx()*dh/dw
	if ch > sb.Dy() {
		cw, ch = sb.Dy()*dw/dh, sb.Dy()
	}
	x0, y0 := sb.Min.X+(sb.Dx()-cw)/2, sb.Min.Y+(sb.Dy()-ch)/2
	xdraw.BiLinear.Scale(dst, dst.Rect, src, image.Rect(x0, y0, x0+cw, y0+ch), xdraw.Src, nil)
}

// blend mixes prev into f half and half (a one-frame crossfade).
func blend(f, prev *image.RGBA) {
	for i := range f.Pix {
		f.Pix[i] = uint8((int(f.Pix[i]) + int(prev.Pix[i])) / 2)
	}
}

// medianCut picks a palette for all frames: boxes of sampled colours are
// split at the median of their widest channel until there are n boxes; each
// box contributes its mean colour.
func medianCut(frames []*image.RGBA, n int) color.Palette {
	var px [][3]uint8
	pixels := 0
	for _, f := range frames {
		pixels += len(f.Pix) / 4
	}
	stride := max(1, pixels/150000)
	k := 0
	for _, f := range frames {
		for i := 0; i < len(f.Pix); i += 4 {
			if k%stride == 0 {
				px = append(px, [3]uint8{f.Pix[i], f.Pix[i+1], f.Pix[i+2]})
			}
			k++
		}
	}
	type box struct {
		px      [][3]uint8
		channel int
		spread  int
	}
	measure := func(p [][3]uint8) box {
		lo, hi := [3]int{255, 255, 255}, [3]int{}
		for _, c := range p {
			for j := range 3 {
				lo[j], hi[j] = min(lo[j], int(c[j])), max(hi[j], int(c[j]))
			}
		}
		b := box{px: p}
		for j := range 3 {
			if hi[j]-lo[j] > b.spread {
				b.channel, b.spread = j, hi[j]-lo[j]
			}
		}
		return b
	}
	boxes := []box{measure(px)}
	for len(boxes) < n {
		// Split the box whose colours differ most, weighted by how many
		// pixels it holds, so large areas get the finest shades.
		best, score := -1, 0
		for i, b := range boxes {
			if s := b.spread * len(b.px); len(b.px) > 1 && b.spread > 0 && s > score {
				best, score = i, s
			}
		}
		if best < 0 {
			break
		}
		b := boxes[best]
		ch := b.channel
		sort.Slice(b.px, func(i, j int) bool { return b.px[i][ch] < b.px[j][ch] })
		mid := len(b.px) / 2
		boxes[best] = measure(b.px[:mid])
		boxes = append(boxes, measure(b.px[mid:]))
	}
	pal := make(color.Palette, 0, len(boxes))
	for _, b := range boxes {
		var sum [3]int
		for _, c := range b.px {
			for j := range 3 {
				sum[j] += int(c[j])
			}
		}
		l := max(1, len(b.px))
		pal = append(pal, color.RGBA{uint8(sum[0] / l), uint8(sum[1] / l), uint8(sum[2] / l), 0xFF})
	}
	if len(pal) == 0 {
		pal = append(pal, color.RGBA{A: 0xFF})
	}
	return pal
}
