// Content: Meridian's articles and their authors, as files checked like code.
//
// An article is a Markdown file with YAML front matter (content/articles/);
// an author is a Markdown bio with front matter (content/authors/). A
// ContentLibrary is built from such files, every problem reported with its
// file and line (ContentIssue), and is immutable afterwards: the server
// shares one between threads and swaps it whole on reload.
//
// Markdown is rendered by md4c with raw HTML off (MD_FLAG_NOHTML: HTML in
// the source is shown as text, never rendered); front matter is read with
// yaml-cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace meridian::content {

struct Source {
  std::string title, publisher, url;
  int year = 0;
};

struct Author {
  std::string slug;  // the file name without .md
  std::string name, credentials, role;
  std::string photo;     // a file name under content/authors/ served by Meridian, or ""
  std::string bio_html;  // rendered Markdown
  std::string file;
};

struct Article {
  std::string slug, title, summary;
  std::vector<std::string> authors, reviewed_by;  // author slugs
  // Dates as YYYY-MM-DD (checked).
  std::string published, updated, last_reviewed, next_review;
  std::vector<std::string> modalities, tags;
  std::vector<Source> sources;
  std::string conflicts;
  bool sample = false;  // shipped sample content (front matter `sample: true`)
  std::string html;     // the body rendered
  std::string text;     // the body as plain text (paragraphs end with a newline)
  double grade = 0;     // Flesch–Kincaid grade of `text`
  std::string file;
};

struct ContentIssue {
  std::string file;
  int line = 0;       // 1-based; 0 = the whole file
  bool error = true;  // false: a warning (e.g. a review that is due)
  std::string message;
  std::string ToString() const;  // "file:line: error: message"
};

// What the checker needs to know about the rest of Meridian.
struct ContentRules {
  std::vector<std::string> modalities;  // known modality ids
  std::string today;                    // YYYY-MM-DD, for "review due"
  double max_grade = 8.0;
};

class ContentLibrary {
 public:
  // Builds a library from (path, text) pairs: paths ending in
  // "articles/<slug>.md" and "authors/<slug>.md" (others, e.g. photos, are
  // kept as files). Every problem goes to `issues`; articles with errors are
  // still kept so every problem is reported at once. OK() says whether any
  // error was found.
  static std::shared_ptr<const ContentLibrary> Build(
      const std::vector<std::pair<std::string, std::string>>& files, const ContentRules& rules,
      std::vector<ContentIssue>* issues);
  // The files of a directory holding articles/ and authors/.
  static Result<std::vector<std::pair<std::string, std::string>>> ReadDir(const std::string& dir);
  // The content shipped in the repository's content/ (compiled in).
  static std::vector<std::pair<std::string, std::string>> EmbeddedFiles();

  // Newest first (published, then updated, then slug).
  const std::vector<Article>& articles() const { return articles_; }
  const std::vector<Author>& authors() const { return authors_; }
  const Article* FindArticle(std::string_view slug) const;
  const Author* FindAuthor(std::string_view slug) const;
  // The bytes of a file beside the authors' bios (a photo), or nullptr.
  const std::string* AuthorFile(std::string_view name) const;
  // True when any article is marked as sample content.
  bool sample() const { return sample_; }
  // Articles whose next_review is before rules.today (warnings), for the console.
  const std::vector<const Article*>& review_due() const { return review_due_; }
  // Changes whenever any file it was built from (name or bytes) or
  // rules.today does: part of the pages' and the API's entity tags.
  uint64_t fingerprint() const { return fingerprint_; }

 private:
  std::vector<Article> articles_;
  std::vector<Author> authors_;
  std::vector<std::pair<std::string, std::string>> author_files_;
  std::vector<const Article*> review_due_;
  bool sample_ = false;
  uint64_t fingerprint_ = 0;
};

bool HasErrors(const std::vector<ContentIssue>& issues);

// Markdown -> HTML with raw HTML off.
std::string RenderMarkdown(std::string_view md);

}  // namespace meridian::content
