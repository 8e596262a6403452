package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/content/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

func open(t *testing.T, d *db.DB) *sqlstore.Store {
	t.Helper()
	s := sqlstore.New(d)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// TestStore round-trips every record on both databases.
func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := open(t, d)
		now := time.Date(2026, 12, 8, 1, 2, 3, 456789000, time.UTC)

		if _, err := s.Set(ctx, nil, "e1"); !errors.Is(err, content.ErrContentNotFound) {
			t.Fatalf("Set of nothing: %v, want ErrContentNotFound", err)
		}
		set := content.Set{EventID: "e1", OwnerID: "u1", Status: content.StatusGenerating, JobID: "j1", Notice: "알림",
			Source: content.Source{EventID: "e1", StoreName: "빵집 🍞", Title: "가을 이벤트", Hashtags: []string{"#빵"}, EntryURL: "http://x/e/abc"},
			Styles: []string{"simple", "vivid"}, Done: 3, Total: 40, UpdatedAt: now}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return s.SaveSet(ctx, tx, set) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.Set(ctx, nil, "e1")
		if err != nil || !reflect.DeepEqual(got, set) {
			t.Fatalf("Set = %+v, %v\nwant %+v", got, err, set)
		}
		set.Status, set.VideoJobID = content.StatusReady, "j2"
		if err := s.SaveSet(ctx, nil, set); err != nil {
			t.Fatal(err)
		}
		if err := s.SetProgress(ctx, "e1", 40, 40); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Set(ctx, nil, "e1")
		if got.Status != content.StatusReady || got.VideoJobID != "j2" || got.Done != 40 || got.Total != 40 {
			t.Errorf("after update: %+v", got)
		}

		a := content.Asset{ID: "a1", EventID: "e1", Kind: content.KindImage, Slot: "vivid", Style: "vivid", Size: "ig_square", Width: 1080, Height: 1080,
			BlobKey: "content/ab/abc.png", ContentType: "image/png", Provider: "local", SHA256: "ff", Bytes: 1234, CreatedAt: now}
		b := content.Asset{ID: "a2", EventID: "e1", Kind: content.KindVideo, Slot: "simple", Style: "simple", Size: "tv", Width: 1920, Height: 1080,
			DurationMs: 15000, BlobKey: "content/cd/cde.mp4", ContentType: "video/mp4", Provider: "ffmpeg", SHA256: "ee", Bytes: 99, CreatedAt: now}
		for _, x := range []content.Asset{a, b} {
			if err := s.PutAsset(ctx, nil, x); err != nil {
				t.Fatal(err)
			}
		}
		as, err := s.Assets(ctx, "e1")
		if err != nil || len(as) != 2 || !reflect.DeepEqual(as[0], a) || !reflect.DeepEqual(as[1], b) {
			t.Fatalf("Assets = %+v, %v", as, err)
		}
		a.Style, a.BlobKey = "trendy", "content/ab/abd.png" // regenerated in place
		if err := s.PutAsset(ctx, nil, a); err != nil {
			t.Fatal(err)
		}
		if x, err := s.Asset(ctx, "e1", "a1"); err != nil || x.Style != "trendy" || x.BlobKey != a.BlobKey {
			t.Errorf("Asset after replace = %+v, %v", x, err)
		}
		if _, err := s.Asset(ctx, "e2", "a1"); !errors.Is(err, content.ErrAssetNotFound) {
			t.Errorf("asset of another event: %v, want ErrAssetNotFound", err)
		}

		cp := []content.Copy{{Platform: "instagram", Body: "본문", Hashtags: []string{"#a"}, Link: "http://x?c=INSTAGRAM", Limit: 2200, Length: 2},
			{Platform: "kakao_channel", Body: "짧게", ButtonLabel: "참여하기", Link: "l", Limit: 1000, Length: 2}}
		if err := s.SaveCopy(ctx, nil, "e1", cp); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Copy(ctx, "e1"); err != nil || !reflect.DeepEqual(got, cp) {
			t.Errorf("Copy = %+v, %v", got, err)
		}

		if err := s.SetChannelStyles(ctx, nil, "e1", map[string]string{"INSTAGRAM": "vivid", "TV": "simple"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetChannelStyles(ctx, nil, "e1", map[string]string{"TV": "trendy"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ChannelStyles(ctx, "e1"); !reflect.DeepEqual(got, map[string]string{"INSTAGRAM": "vivid", "TV": "trendy"}) {
			t.Errorf("ChannelStyles = %v", got)
		}

		title := "새 제목"
		e := content.Edit{Style: "trendy", Title: &title, Colors: &content.Colors{Accent: "#ff0000"}}
		if err := s.SaveEdit(ctx, nil, "e1", "a1", e); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Edits(ctx, "e1"); !reflect.DeepEqual(got, map[string]content.Edit{"a1": e}) {
			t.Errorf("Edits = %+v", got)
		}

		// Blob bookkeeping: the replaced blob of a1 and one only touched
		// are unused once old; those assets point at are not.
		old := now.Add(-8 * 24 * time.Hour)
		for _, k := range []string{"content/ab/abc.png", "content/zz/orphan.png"} {
			if err := s.TouchBlob(ctx, k, old); err != nil {
				t.Fatal(err)
			}
		}
		_ = s.TouchBlob(ctx, "content/ab/abc.png", old.Add(-time.Hour)) // older touch keeps the newer time
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE content_blobs SET last_used = ? WHERE blob_key = ?`, db.Micros(old), "content/ab/abc.png")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		unused, err := s.UnusedBlobs(ctx, now.Add(-7*24*time.Hour), 100)
		if err != nil || !reflect.DeepEqual(unused, []string{"content/ab/abc.png", "content/zz/orphan.png"}) && !reflect.DeepEqual(unused, []string{"content/zz/orphan.png", "content/ab/abc.png"}) {
			t.Errorf("UnusedBlobs = %v, %v", unused, err)
		}
		if got, _ := s.UnusedBlobs(ctx, old.Add(-time.Minute), 100); len(got) != 0 {
			t.Errorf("UnusedBlobs before they aged = %v", got)
		}
		for _, k := range unused {
			if err := s.ForgetBlob(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.UnusedBlobs(ctx, now, 100); len(got) != 0 {
			t.Errorf("after ForgetBlob: %v (the used blobs are touched at %v)", got, now)
		}
	})
}
