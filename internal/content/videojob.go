package content

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"slices"
	"time"

	"github.com/autoevent/autoevent/internal/content/render"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// VideoSpec is one video to make: the images with motion and title cards,
// narrated (internal/content/video, adapted by the app).
type VideoSpec struct {
	Frames        []image.Image
	Width, Height int
	Duration      time.Duration
	Narration     *tts.Audio
	Titles        []string
}

// VideoResult is a made video: MP4, or an animated GIF with a Notice when
// ffmpeg is missing.
type VideoResult struct {
	Data        []byte
	ContentType string
	Format      string // mp4 or gif
	Duration    time.Duration
	Notice      string
}

// Videos makes the videos.
type Videos interface {
	Available() bool // ffmpeg is there: MP4 rather than GIF
	Make(ctx context.Context, s VideoSpec) (VideoResult, error)
}

// videoSizes are the two videos: vertical (stories, reels) and TV.
var videoSizes = []string{"ig_story", "tv"}

// HandleVideoJob makes the two 15-second videos from the event's images
// (every style, the TV channel's first) narrated with the ringback audio.
func (s *Service) HandleVideoJob(ctx context.Context, job jobs.Job, progress jobs.Progress) (jobs.Result, error) {
	var in jobInput
	if err := json.Unmarshal(job.Input, &in); err != nil {
		return jobs.Result{}, errBadJobInput.Wrap(err)
	}
	set, err := s.d.Store.Set(ctx, nil, job.SubjectID)
	if err != nil {
		return jobs.Result{}, err
	}
	if set.OwnerID != job.OwnerID {
		return jobs.Result{}, errBadJobInput.Wrap(fmt.Errorf("job %s: owner differs from the content set's", job.ID))
	}
	assets, err := s.d.Store.Assets(ctx, set.EventID)
	if err != nil {
		return jobs.Result{}, err
	}
	cs, err := s.channelStyles(ctx, set)
	if err != nil {
		return jobs.Result{}, err
	}
	var narration *tts.Audio
	for _, a := range assets {
		if a.Kind == KindAudio {
			data, err := s.readBlob(ctx, a.BlobKey)
			if err != nil {
				return jobs.Result{}, err
			}
			narration = &tts.Audio{Data: data, ContentType: a.ContentType, Duration: msDuration(a.DurationMs)}
		}
	}
	src := set.Source
	titles := []string{src.Title, src.Benefit}
	if p := src.Period(); p != "" {
		titles = append(titles, p)
	}
	titles = append(titles, src.CTA())
	notice := ""
	var made []Asset
	for i, name := range videoSizes {
		size, ok := render.SizeByName(name)
		if !ok {
			return jobs.Result{}, fmt.Errorf("content: no size %q", name)
		}
		first := cs[messages.ChannelUridongneTV]
		if name == "ig_story" {
			first = cs[messages.ChannelInstagram]
		}
		var frames []Asset
		for _, a := range assets {
			if a.Kind == KindImage && a.Size == name {
				frames = append(frames, a)
			}
		}
		if len(frames) == 0 {
			return jobs.Result{}, errBadJobInput.Wrap(errNoFrames)
		}
		slices.SortStableFunc(frames, func(a, b Asset) int {
			return boolRank(b.Slot == first) - boolRank(a.Slot == first)
		})
		var sums []string
		for _, f := range frames {
			sums = append(sums, f.SHA256)
		}
		narrSum := ""
		if narration != nil {
			narrSum = fmt.Sprint(len(narration.Data), narration.ContentType)
			for _, a := range assets {
				if a.Kind == KindAudio {
					narrSum = a.SHA256
				}
			}
		}
		format := "gif"
		if s.d.Videos.Available() {
			format = "mp4"
		}
		key := address("video", "."+format, sums, narrSum, titles, size.Width, size.Height, videoDuration)
		t := task{kind: KindVideo, slot: frames[0].Slot, style: frames[0].Style, size: size}
		var a Asset
		if at, ok := s.stored(ctx, key); ok {
			a = s.asset(set, t, key, at, size.Width, size.Height, "ffmpeg")
			a.DurationMs = videoDuration.Milliseconds()
			if format == "gif" {
				a.Provider, notice = "gif", "video needs ffmpeg"
			}
		} else {
			var imgs []image.Image
			for _, f := range frames {
				data, err := s.readBlob(ctx, f.BlobKey)
				if err != nil {
					return jobs.Result{}, err
				}
				img, _, err := image.Decode(bytes.NewReader(data))
				if err != nil {
					return jobs.Result{}, fmt.Errorf("content: frame %s: %w", f.ID, err)
				}
				imgs = append(imgs, img)
			}
			progress(ctx, 5+i*45, fmt.Sprintf("영상 %d/%d 만드는 중", i+1, len(videoSizes)))
			res, err := s.d.Videos.Make(ctx, VideoSpec{Frames: imgs, Width: size.Width, Height: size.Height, Duration: videoDuration,
				Narration: narration, Titles: titles})
			if err != nil {
				return jobs.Result{}, err
			}
			at, err := s.put(ctx, key, res.Data, res.ContentType)
			if err != nil {
				return jobs.Result{}, err
			}
			provider := "ffmpeg"
			if res.Format == "gif" {
				provider = "gif"
			}
			a = s.asset(set, t, key, at, size.Width, size.Height, provider)
			a.DurationMs = res.Duration.Milliseconds()
			notice = joinNotice(notice, res.Notice)
		}
		a.ID = assetID(set.EventID, KindVideo, "", name)
		a.Slot = ""
		if err := s.d.Store.PutAsset(ctx, nil, a); err != nil {
			return jobs.Result{}, err
		}
		made = append(made, a)
		progress(ctx, 50+i*45, fmt.Sprintf("영상 %d/%d 완료", i+1, len(videoSizes)))
	}
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		st, err := s.d.Store.Set(ctx, tx, set.EventID)
		if err != nil {
			return err
		}
		// The status is the image job's: the videos only add files.
		st.Notice, st.UpdatedAt = joinNotice(st.Notice, notice), s.now()
		if err := s.d.Store.SaveSet(ctx, tx, st); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.ContentReady{EventID: st.EventID, OwnerID: job.OwnerID, JobID: job.ID,
			AssetCount: len(assets) + len(made), Notice: st.Notice, OccurredAt: s.now()})
	})
	if err != nil {
		return jobs.Result{}, err
	}
	msg := "영상 완료"
	if notice != "" {
		msg += " · " + notice
	}
	return jobs.Result{URL: "/api/v1/events/" + set.EventID + "/content", Message: msg}, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
