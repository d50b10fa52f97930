#include "fetch/listing.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Listing, SortsLinksIntoKindsAndDatesThem) {
  const std::string page =
      "<a href=\"NPPES_Data_Dissemination_October_2025.zip\">Oct</a>"
      "<a HREF='NPPES_Data_Dissemination_November_2025.zip'>Nov</a>"
      "<a href=/nppes/NPPES_Data_Dissemination_110325_110925_Weekly.zip>w1</a>"
      "<a href=\"https://other.example/NPPES_Data_Dissemination_11102025_11162025_Weekly_V2.zip\">"
      "<a href=\"NPPES_Deactivated_NPI_Report_20251110.zip\">d</a>"
      "<a href=\"NPPES_Data_Dissemination_Readme.pdf\">r</a>"
      "<a href=\"unrelated.zip\">u</a>";
  auto links = ParseListing(page, "https://download.cms.gov/nppes/NPI_Files.html");
  ASSERT_EQ(links.size(), 5u);
  EXPECT_EQ(links[0].kind, NppesFileKind::kMonthly);
  EXPECT_EQ(links[0].date, 20251001);
  EXPECT_EQ(links[0].url,
            "https://download.cms.gov/nppes/NPPES_Data_Dissemination_October_2025.zip");
  EXPECT_EQ(links[2].kind, NppesFileKind::kWeekly);
  EXPECT_EQ(links[2].date, 20251109);  // the later of the two dates (MMDDYY)
  EXPECT_EQ(links[2].url,
            "https://download.cms.gov/nppes/NPPES_Data_Dissemination_110325_110925_Weekly.zip");
  EXPECT_EQ(links[3].date, 20251116);  // MMDDYYYY
  EXPECT_EQ(links[3].url.rfind("https://other.example/", 0), 0u);
  EXPECT_EQ(links[4].kind, NppesFileKind::kDeactivations);
  EXPECT_EQ(links[4].date, 20251110);  // YYYYMMDD

  auto monthly = NewestOf(links, NppesFileKind::kMonthly);
  ASSERT_TRUE(monthly.ok());
  EXPECT_EQ(monthly->name, "NPPES_Data_Dissemination_November_2025.zip");
  auto weekly = NewestOf(links, NppesFileKind::kWeekly);
  ASSERT_TRUE(weekly.ok());
  EXPECT_EQ(weekly->date, 20251116);
  EXPECT_EQ(NewestOf({}, NppesFileKind::kWeekly).status().code(), StatusCode::kNotFound);
}

TEST(Listing, ResolvesRelativeAddresses) {
  const std::string page = "https://h.example/a/b/page.html";
  EXPECT_EQ(ResolveUrl(page, "x.zip"), "https://h.example/a/b/x.zip");
  EXPECT_EQ(ResolveUrl(page, "./x.zip"), "https://h.example/a/b/x.zip");
  EXPECT_EQ(ResolveUrl(page, "/x.zip"), "https://h.example/x.zip");
  EXPECT_EQ(ResolveUrl(page, "HTTP://o.example/x.zip"), "HTTP://o.example/x.zip");
  EXPECT_EQ(ResolveUrl("http://h.example", "x.zip"), "http://h.example/x.zip");
}

}  // namespace
}  // namespace meridian
