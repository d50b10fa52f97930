#include "content/content.h"

#include <md4c-html.h>
#include <md4c.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "text/readability.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/utf8.h"

namespace meridian::content {

std::string ContentIssue::ToString() const {
  return file + ":" + std::to_string(line) + ": " + (error ? "error" : "warning") + ": " + message;
}

bool HasErrors(const std::vector<ContentIssue>& issues) {
  return std::any_of(issues.begin(), issues.end(), [](const ContentIssue& i) { return i.error; });
}

std::string RenderMarkdown(std::string_view md) {
  std::string out;
  md_html(
      md.data(), static_cast<MD_SIZE>(md.size()),
      [](const MD_CHAR* text, MD_SIZE size, void* user) {
        static_cast<std::string*>(user)->append(text, size);
      },
      &out, MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML, 0);
  return out;
}

namespace {

// One file's front matter and body, with the body's first line number.
struct Split {
  std::string yaml, body;
  int body_line = 1;
  bool ok = false;
};

Split SplitFrontMatter(std::string_view text) {
  Split s;
  if (!text.starts_with("---\n")) return s;
  const size_t end = text.find("\n---\n", 3);
  if (end == std::string_view::npos) return s;
  s.yaml = std::string(text.substr(4, end - 3));
  s.body = std::string(text.substr(end + 5));
  s.body_line = static_cast<int>(std::count(text.begin(), text.begin() + end + 5, '\n')) + 1;
  s.ok = true;
  return s;
}

// What the checker reads from a Markdown body: its plain text, its links
// and its images (with their alt text).
struct Walk {
  std::string text;
  std::vector<std::string> links;
  std::vector<std::pair<std::string, std::string>> images;  // src, alt
  int image_depth = 0;
  std::string alt;
};

std::string Attr(const MD_ATTRIBUTE& a) { return std::string(a.text, a.size); }

Walk WalkMarkdown(std::string_view md) {
  Walk w;
  MD_PARSER p{};
  p.flags = MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML;
  p.enter_block = [](MD_BLOCKTYPE, void*, void*) { return 0; };
  p.leave_block = [](MD_BLOCKTYPE type, void*, void* user) {
    auto* w = static_cast<Walk*>(user);
    if (type == MD_BLOCK_P || type == MD_BLOCK_H || type == MD_BLOCK_LI || type == MD_BLOCK_CODE)
      if (!w->text.empty() && w->text.back() != '\n') w->text.push_back('\n');
    return 0;
  };
  p.enter_span = [](MD_SPANTYPE type, void* detail, void* user) {
    auto* w = static_cast<Walk*>(user);
    if (type == MD_SPAN_A) w->links.push_back(Attr(static_cast<MD_SPAN_A_DETAIL*>(detail)->href));
    if (type == MD_SPAN_IMG) {
      if (w->image_depth++ == 0) w->alt.clear();
      w->images.push_back({Attr(static_cast<MD_SPAN_IMG_DETAIL*>(detail)->src), ""});
    }
    return 0;
  };
  p.leave_span = [](MD_SPANTYPE type, void*, void* user) {
    auto* w = static_cast<Walk*>(user);
    if (type == MD_SPAN_IMG && --w->image_depth == 0) w->images.back().second = w->alt;
    return 0;
  };
  p.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
    auto* w = static_cast<Walk*>(user);
    std::string_view t(text, size);
    if (type == MD_TEXT_SOFTBR) t = " ";
    if (type == MD_TEXT_BR) t = "\n";
    if (w->image_depth > 0) {
      w->alt.append(t);
      return 0;
    }
    w->text.append(t);
    return 0;
  };
  md_parse(md.data(), static_cast<MD_SIZE>(md.size()), &p, &w);
  return w;
}

bool ValidDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

// The line of the first occurrence of `needle` in `body` (offset by the
// body's first line), or the body's first line.
int LineOf(const std::string& body, int body_line, std::string_view needle) {
  const size_t at = body.find(needle);
  if (at == std::string::npos) return body_line;
  return body_line + static_cast<int>(std::count(body.begin(), body.begin() + at, '\n'));
}

// Sentences of `text` by the readability counter's rules, hardest first.
std::vector<std::pair<double, std::string>> HardestSentences(const std::string& text, size_t n) {
  std::vector<std::pair<double, std::string>> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    cur.push_back(text[i]);
    const char c = text[i];
    const bool end =
        c == '\n' || ((c == '.' || c == '!' || c == '?') &&
                      (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n'));
    if (end || i + 1 == text.size()) {
      while (!cur.empty() && (cur.back() == '\n' || cur.back() == ' ')) cur.pop_back();
      if (CountText(cur).words >= 4) out.push_back({FleschKincaidGrade(cur), cur});
      cur.clear();
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (out.size() > n) out.resize(n);
  return out;
}

class Checker {
 public:
  Checker(const ContentRules& rules, std::vector<ContentIssue>* issues)
      : rules_(rules), issues_(issues) {}

  void Error(const std::string& file, int line, std::string msg) {
    issues_->push_back({file, line, true, std::move(msg)});
  }
  void Warn(const std::string& file, int line, std::string msg) {
    issues_->push_back({file, line, false, std::move(msg)});
  }
  const ContentRules& rules() const { return rules_; }

 private:
  const ContentRules& rules_;
  std::vector<ContentIssue>* issues_;
};

// The line of a front-matter key (1 when the key is absent).
int KeyLine(const std::map<std::string, int>& lines, const char* key) {
  auto it = lines.find(key);
  return it == lines.end() ? 1 : it->second;
}

int Line(const YAML::Node& n, int yaml_first_line) {
  return n.Mark().line < 0 ? yaml_first_line : yaml_first_line + n.Mark().line;
}

std::string Scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : std::string();
}

std::vector<std::string> List(const YAML::Node& map, const char* key, Checker* c,
                              const std::string& file, int first) {
  std::vector<std::string> out;
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) {
    c->Error(file, Line(n, first), std::string(key) + " must be a list, e.g. [a, b]");
    return out;
  }
  for (const YAML::Node& x : n) {
    if (x.IsScalar() && !x.Scalar().empty())
      out.push_back(x.Scalar());
    else
      c->Error(file, Line(x, first), std::string(key) + ": every item must be a word");
  }
  return out;
}

// Parses `yaml` (the front matter, starting at line 2 of `file`); false with
// an error when it is not a YAML mapping.
bool ParseYaml(const std::string& yaml, const std::string& file, Checker* c, YAML::Node* out) {
  try {
    *out = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    c->Error(file, e.mark.line < 0 ? 1 : e.mark.line + 2,
             "front matter is not valid YAML: " + e.msg);
    return false;
  }
  if (!out->IsMap()) {
    c->Error(file, 2, "front matter must be a YAML mapping (key: value lines)");
    return false;
  }
  return true;
}

bool ParseAuthor(const std::string& file, const std::string& slug, const std::string& text,
                 Checker* c, Author* a) {
  Split s = SplitFrontMatter(text);
  if (!s.ok) {
    c->Error(file, 1, "expected front matter between '---' lines at the top");
    return false;
  }
  YAML::Node y;
  if (!ParseYaml(s.yaml, file, c, &y)) return false;
  a->slug = slug, a->file = file;
  a->name = Scalar(y, "name"), a->credentials = Scalar(y, "credentials");
  a->role = Scalar(y, "role"), a->photo = Scalar(y, "photo");
  if (a->name.empty()) c->Error(file, 2, "name is required");
  a->bio_html = RenderMarkdown(s.body);
  return true;
}

bool ParseArticle(const std::string& file, const std::string& slug, const std::string& text,
                  Checker* c, Article* a, std::string* body, int* body_line,
                  std::map<std::string, int>* lines) {
  Split s = SplitFrontMatter(text);
  if (!s.ok) {
    c->Error(file, 1, "expected front matter between '---' lines at the top");
    return false;
  }
  YAML::Node y;
  if (!ParseYaml(s.yaml, file, c, &y)) return false;
  const int first = 2;
  for (const auto& kv : y) (*lines)[kv.first.Scalar()] = Line(kv.first, first);
  auto line = [&](const char* key) { return KeyLine(*lines, key); };
  a->file = file;
  a->slug = Scalar(y, "slug");
  if (a->slug.empty())
    c->Error(file, 1, "slug is required");
  else if (a->slug != slug)
    c->Error(file, line("slug"),
             "slug '" + a->slug + "' differs from the file name '" + slug + "'");
  a->slug = slug;
  a->title = Scalar(y, "title"), a->summary = Scalar(y, "summary");
  if (a->title.empty()) c->Error(file, line("title"), "title is required");
  if (a->summary.empty()) c->Error(file, line("summary"), "summary is required");
  a->authors = List(y, "authors", c, file, first);
  a->reviewed_by = List(y, "reviewed_by", c, file, first);
  a->modalities = List(y, "modalities", c, file, first);
  a->tags = List(y, "tags", c, file, first);
  a->conflicts = Scalar(y, "conflicts");
  a->sample = Scalar(y, "sample") == "true";
  for (auto [key, field] : {std::pair{"published", &a->published},
                            {"updated", &a->updated},
                            {"last_reviewed", &a->last_reviewed},
                            {"next_review", &a->next_review}}) {
    *field = Scalar(y, key);
    if (field->empty())
      c->Error(file, line(key), std::string(key) + " is required (YYYY-MM-DD)");
    else if (!ValidDate(*field))
      c->Error(file, line(key), std::string(key) + " '" + *field + "' is not a date (YYYY-MM-DD)");
  }
  const YAML::Node src = y["sources"];
  if (src && src.IsSequence()) {
    for (const YAML::Node& n : src) {
      Source so;
      if (!n.IsMap()) {
        c->Error(file, Line(n, first), "sources: each source needs title, publisher, year and url");
        continue;
      }
      so.title = Scalar(n, "title"), so.publisher = Scalar(n, "publisher"),
      so.url = Scalar(n, "url");
      const std::string year = Scalar(n, "year");
      try {
        so.year = year.empty() ? 0 : std::stoi(year);
      } catch (...) {
        so.year = 0;
      }
      if (so.title.empty() || so.publisher.empty() ||
          !(so.url.starts_with("https://") || so.url.starts_with("http://")))
        c->Error(file, Line(n, first),
                 "sources: each source needs title, publisher and an http(s) url");
      else if (!year.empty() && (so.year < 1800 || so.year > 2100))
        c->Error(file, Line(n, first), "sources: year '" + year + "' is not a year");
      else if (year.empty())
        c->Warn(file, Line(n, first), "sources: '" + so.title + "' has no year (shown as n.d.)");
      a->sources.push_back(std::move(so));
    }
  } else if (src && !src.IsNull()) {
    c->Error(file, line("sources"), "sources must be a list");
  }
  if (a->sources.empty()) c->Error(file, line("sources"), "at least one source is required");
  *body = s.body, *body_line = s.body_line;
  return true;
}

bool KnownInternalPath(std::string_view href) {
  static const char* kPrefixes[] = {"/search",        "/guide",   "/about",
                                    "/articles",      "/authors", "/provider/",
                                    "/organization/", "/api/v1/", "/sitemap.xml"};
  if (href == "/") return true;
  for (const char* p : kPrefixes)
    if (href.starts_with(p)) return true;
  return false;
}

}  // namespace

std::shared_ptr<const ContentLibrary> ContentLibrary::Build(
    const std::vector<std::pair<std::string, std::string>>& files, const ContentRules& rules,
    std::vector<ContentIssue>* issues) {
  auto lib = std::make_shared<ContentLibrary>();
  {
    std::vector<const std::pair<std::string, std::string>*> sorted;
    for (const auto& f : files) sorted.push_back(&f);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
    uint64_t h = Fnv1a64(rules.today);
    for (const auto* f : sorted) h = Fnv1a64(f->second, Fnv1a64(f->first, h));
    lib->fingerprint_ = h;
  }
  Checker c(rules, issues);
  struct Pending {
    std::string body;
    int body_line;
    std::map<std::string, int> lines;
  };
  std::vector<Pending> pending;
  for (const auto& [path, text] : files) {
    const std::filesystem::path p(path);
    const std::string dir = p.parent_path().filename(), stem = p.stem(), ext = p.extension();
    if (ext == ".md" && !IsValidUtf8(text)) {  // its text would reach pages and JSON
      int line = 1;
      for (size_t i = 0; i < text.size();) {
        const size_t n = Utf8SequenceLength(text, i);
        if (n == 0) break;
        line += text[i] == '\n';
        i += n;
      }
      c.Error(path, line, "not UTF-8 text (save the file as UTF-8)");
      continue;
    }
    if (dir == "authors" && ext == ".md") {
      Author a;
      if (ParseAuthor(path, stem, text, &c, &a)) lib->authors_.push_back(std::move(a));
    } else if (dir == "authors") {
      lib->author_files_.push_back({p.filename(), text});
    } else if (dir == "articles" && ext == ".md") {
      Article a;
      Pending pd;
      if (ParseArticle(path, stem, text, &c, &a, &pd.body, &pd.body_line, &pd.lines)) {
        lib->articles_.push_back(std::move(a));
        pending.push_back(std::move(pd));
      }
    } else if (ext == ".md") {
      c.Error(path, 0, "a Markdown file outside articles/ and authors/");
    }
  }
  std::set<std::string> author_slugs, article_slugs;
  for (const Author& a : lib->authors_) author_slugs.insert(a.slug);
  for (const Article& a : lib->articles_)
    if (!article_slugs.insert(a.slug).second)
      c.Error(a.file, 1, "a second article with slug " + a.slug);
  // Slugs become URLs and feed ids: lower-case letters, digits and hyphens.
  auto slug_ok = [](const std::string& s) {
    return !s.empty() &&
           s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  };
  for (const Author& a : lib->authors_) {
    if (!slug_ok(a.slug))
      c.Error(a.file, 0, "file name '" + a.slug + "': use lower-case letters, digits and hyphens");
    if (a.photo.empty()) continue;
    if (lib->AuthorFile(a.photo) == nullptr)
      c.Error(a.file, 2, "photo '" + a.photo + "' is not a file beside the bio");
    else if (!(a.photo.ends_with(".jpg") || a.photo.ends_with(".jpeg") ||
               a.photo.ends_with(".png") || a.photo.ends_with(".webp")))
      c.Error(a.file, 2, "photo '" + a.photo + "' must be .jpg, .jpeg, .png or .webp");
  }
  for (const Article& a : lib->articles_)
    if (!slug_ok(a.slug))
      c.Error(a.file, 0, "file name '" + a.slug + "': use lower-case letters, digits and hyphens");
  for (size_t k = 0; k < lib->articles_.size(); ++k) {
    Article& a = lib->articles_[k];
    const Pending& pd = pending[k];
    auto line = [&](const char* key) { return KeyLine(pd.lines, key); };
    if (a.authors.empty()) c.Error(a.file, line("authors"), "at least one author is required");
    for (const std::string& s : a.authors)
      if (!author_slugs.count(s)) c.Error(a.file, line("authors"), "unknown author '" + s + "'");
    for (const std::string& s : a.reviewed_by) {
      if (!author_slugs.count(s))
        c.Error(a.file, line("reviewed_by"), "unknown reviewer '" + s + "'");
      if (std::find(a.authors.begin(), a.authors.end(), s) != a.authors.end())
        c.Error(a.file, line("reviewed_by"), "reviewer '" + s + "' is also an author");
    }
    if (a.reviewed_by.empty())
      c.Warn(a.file, line("reviewed_by"), "no clinician has reviewed this article yet");
    for (const std::string& m : a.modalities)
      if (std::find(rules.modalities.begin(), rules.modalities.end(), m) == rules.modalities.end())
        c.Error(a.file, line("modalities"), "unknown modality '" + m + "'");
    if (ValidDate(a.next_review) && !rules.today.empty() && a.next_review < rules.today) {
      c.Warn(a.file, line("next_review"),
             "review due: next_review " + a.next_review + " has passed");
      lib->review_due_.push_back(&a);  // addresses are stable: articles_ is not resized below
    }
    if (ValidDate(a.published) && ValidDate(a.updated) && a.updated < a.published)
      c.Error(a.file, line("updated"), "updated is before published");
    const Walk w = WalkMarkdown(pd.body);
    a.text = w.text;
    a.html = RenderMarkdown(pd.body);
    a.grade = FleschKincaidGrade(a.text);
    if (a.grade > rules.max_grade) {
      std::string msg = "reading grade " + std::to_string(a.grade).substr(0, 4) + " is above " +
                        std::to_string(static_cast<int>(rules.max_grade)) + "; hardest sentences:";
      for (const auto& [g, s] : HardestSentences(a.text, 3))
        msg += " [" + std::to_string(g).substr(0, 4) + "] \"" + s + "\"";
      c.Error(a.file, pd.body_line, msg);
    }
    for (const std::string& href : w.links) {
      const int ln = LineOf(pd.body, pd.body_line, "(" + href);
      if (href.starts_with("/")) {
        std::string path = href.substr(0, href.find_first_of("?#"));
        if (path.starts_with("/articles/") && path.size() > 10 &&
            !article_slugs.count(path.substr(10)) && path != "/articles/feed.atom" &&
            path != "/articles/feed.json")
          c.Error(a.file, ln, "broken internal link " + href + ": no such article");
        else if (path.starts_with("/authors/") && !author_slugs.count(path.substr(9)))
          c.Error(a.file, ln, "broken internal link " + href + ": no such author");
        else if (!KnownInternalPath(path))
          c.Error(a.file, ln, "broken internal link " + href + ": no such page");
      } else if (!(href.starts_with("https://") || href.starts_with("http://") ||
                   href.starts_with("mailto:") || href.starts_with("#"))) {
        c.Error(a.file, ln, "link " + href + ": only http(s), mailto and site paths are allowed");
      }
    }
    for (const auto& [src, alt] : w.images)
      if (alt.find_first_not_of(" \t") == std::string::npos)
        c.Error(a.file, LineOf(pd.body, pd.body_line, src), "image " + src + " has no alt text");
    if (pd.body.find('<') != std::string::npos && pd.body.find('>') != std::string::npos)
      c.Warn(a.file, LineOf(pd.body, pd.body_line, "<"),
             "raw HTML is not rendered; it shows as text");
    lib->sample_ = lib->sample_ || a.sample;
  }
  std::stable_sort(lib->articles_.begin(), lib->articles_.end(),
                   [](const Article& x, const Article& y) {
                     if (x.published != y.published) return x.published > y.published;
                     if (x.updated != y.updated) return x.updated > y.updated;
                     return x.slug < y.slug;
                   });
  // Sorting moved the articles: point the review list at their new places.
  lib->review_due_.clear();
  for (const Article& a : lib->articles_)
    if (ValidDate(a.next_review) && !rules.today.empty() && a.next_review < rules.today)
      lib->review_due_.push_back(&a);
  return lib;
}

Result<std::vector<std::pair<std::string, std::string>>> ContentLibrary::ReadDir(
    const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  for (const char* sub : {"articles", "authors"}) {
    const std::filesystem::path d = std::filesystem::path(dir) / sub;
    if (!std::filesystem::is_directory(d, ec))
      return Status::InvalidArgument("content directory " + dir + " has no " + sub + "/ folder");
    std::vector<std::filesystem::path> names;
    for (const auto& e : std::filesystem::directory_iterator(d, ec))
      if (e.is_regular_file()) names.push_back(e.path());
    if (ec) return Status::IoError("cannot list " + d.string() + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (const auto& p : names) {
      std::string text;
      MERIDIAN_RETURN_IF_ERROR(ReadFile(p.string(), &text));
      files.push_back({p.string(), std::move(text)});
    }
  }
  return files;
}

const Article* ContentLibrary::FindArticle(std::string_view slug) const {
  for (const Article& a : articles_)
    if (a.slug == slug) return &a;
  return nullptr;
}

const Author* ContentLibrary::FindAuthor(std::string_view slug) const {
  for (const Author& a : authors_)
    if (a.slug == slug) return &a;
  return nullptr;
}

const std::string* ContentLibrary::AuthorFile(std::string_view name) const {
  for (const auto& [n, bytes] : author_files_)
    if (n == name) return &bytes;
  return nullptr;
}

}  // namespace meridian::content

namespace meridian::content {

extern const std::pair<std::string_view, std::string_view> kContentFiles[];

std::vector<std::pair<std::string, std::string>> ContentLibrary::EmbeddedFiles() {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; !kContentFiles[i].first.empty(); ++i)
    out.push_back(
        {"content/" + std::string(kContentFiles[i].first), std::string(kContentFiles[i].second)});
  return out;
}

}  // namespace meridian::content
