// Articles and authors on the web (src/content/ holds and checks them):
// the pages /articles, /articles/{slug}, /authors/{slug}; the Atom and JSON
// feeds; the JSON API /api/v1/articles[/{slug}]; and loading content for the
// server and the CLI with the rest of Meridian's rules (modality ids, today).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "content/content.h"
#include "http/service.h"

namespace meridian {

// The content in `dir` ("" = the content shipped in the repository, compiled
// in), checked. Fails with every error (file:line) in the message when the
// checker finds errors; warnings go to `issues` either way.
Result<std::shared_ptr<const content::ContentLibrary>> LoadContent(
    const std::string& dir, std::vector<content::ContentIssue>* issues);

// Today's date in UTC, YYYY-MM-DD (for "review due").
std::string TodayUtc();
// The articles whose next_review is before `today`, oldest review first.
std::vector<const content::Article*> ReviewsDue(const content::ContentLibrary& lib,
                                                const std::string& today);

// `base`: the site's absolute address for feeds and structured data
// ("https://example.org"), no trailing slash.
HttpResponse PageArticles(const Dataset& d, const QueryParams& params);
// `digest`: the weekly digest is on (its sign-up form is shown).
HttpResponse PageArticle(const Dataset& d, const std::string& slug, const std::string& base,
                         bool digest = false);
HttpResponse PageAuthor(const Dataset& d, const std::string& slug);
HttpResponse FeedAtom(const Dataset& d, const std::string& author_slug, const std::string& base);
HttpResponse FeedJson(const Dataset& d, const std::string& base);
// The author's photo file (image/jpeg, image/png or image/webp by its name).
HttpResponse AuthorPhoto(const Dataset& d, const std::string& slug);
HttpResponse ApiArticles(const Dataset& d, const QueryParams& params);
HttpResponse ApiArticle(const Dataset& d, const std::string& slug);

}  // namespace meridian
