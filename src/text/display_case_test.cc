#include "text/display_case.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace meridian {
namespace {

TEST(DisplayNameCase, CapitalisesEachWordAndHyphenatedPart) {
  EXPECT_EQ(DisplayNameCase("SANDRA"), "Sandra");
  EXPECT_EQ(DisplayNameCase("SANDRA J SMITH"), "Sandra J Smith");
  EXPECT_EQ(DisplayNameCase("SMITH-JONES"), "Smith-Jones");
  EXPECT_EQ(DisplayNameCase("MARY-JO"), "Mary-Jo");
  EXPECT_EQ(DisplayNameCase("SMITH-MCDONALD"), "Smith-McDonald");
}

TEST(DisplayNameCase, ApostrophesMcAndMac) {
  EXPECT_EQ(DisplayNameCase("O'BRIEN"), "O'Brien");
  EXPECT_EQ(DisplayNameCase("D'ANGELO"), "D'Angelo");
  EXPECT_EQ(DisplayNameCase("D\u2019ANGELO"), "D\u2019Angelo");  // typographic apostrophe
  EXPECT_EQ(DisplayNameCase("MCDONALD"), "McDonald");
  EXPECT_EQ(DisplayNameCase("MCCOY"), "McCoy");
  EXPECT_EQ(DisplayNameCase("MACDONALD"), "MacDonald");
  EXPECT_EQ(DisplayNameCase("MACKENZIE"), "MacKenzie");
  EXPECT_EQ(DisplayNameCase("MACPHERSON"), "MacPherson");
  // Not every MAC is a Scottish prefix: these stay plain words.
  EXPECT_EQ(DisplayNameCase("MACK"), "Mack");
  EXPECT_EQ(DisplayNameCase("MACHADO"), "Machado");
  EXPECT_EQ(DisplayNameCase("MACON"), "Macon");
  EXPECT_EQ(DisplayNameCase("MACY"), "Macy");
  EXPECT_EQ(DisplayNameCase("MACIAS"), "Macias");
}

TEST(DisplayNameCase, ParticlesStayCapitalisedWords) {
  EXPECT_EQ(DisplayNameCase("DE LA CRUZ"), "De La Cruz");
  EXPECT_EQ(DisplayNameCase("VAN DER BERG"), "Van Der Berg");
  EXPECT_EQ(DisplayNameCase("ST. JOHN"), "St. John");
}

TEST(DisplayNameCase, Suffixes) {
  EXPECT_EQ(DisplayNameCase("JR"), "Jr");
  EXPECT_EQ(DisplayNameCase("SR."), "Sr.");
  EXPECT_EQ(DisplayNameCase("II"), "II");
  EXPECT_EQ(DisplayNameCase("III"), "III");
  EXPECT_EQ(DisplayNameCase("IV"), "IV");
  EXPECT_EQ(DisplayNameCase("JOHN SMITH III"), "John Smith III");
}

TEST(DisplayNameCase, EdgeCases) {
  EXPECT_EQ(DisplayNameCase(""), "");
  EXPECT_EQ(DisplayNameCase("J"), "J");
  EXPECT_EQ(DisplayNameCase("J."), "J.");
  EXPECT_EQ(DisplayNameCase("  ANNE   MARIE "), "  Anne   Marie ");  // spaces kept
  EXPECT_EQ(DisplayNameCase("NG"), "Ng");
  EXPECT_EQ(DisplayNameCase("O''BRIEN"), "O''Brien");  // no crash on odd punctuation
  EXPECT_EQ(DisplayNameCase("'"), "'");
}

TEST(DisplayCase, MixedCaseInputIsReturnedUnchanged) {
  EXPECT_EQ(DisplayNameCase("McDonald"), "McDonald");
  EXPECT_EQ(DisplayNameCase("deSouza"), "deSouza");
  EXPECT_EQ(DisplayNameCase("SMITH jones"), "SMITH jones");  // one lower letter is enough
  EXPECT_EQ(DisplayAddressCase("5413 Oak AVE"), "5413 Oak AVE");
  EXPECT_EQ(DisplayOrgCase("Mayo Clinic"), "Mayo Clinic");
}

TEST(DisplayCase, WordsWithNonAsciiBytesAreLeftWhole) {
  // Never "JosÉ": without Unicode tables the whole word is left as given.
  EXPECT_EQ(DisplayNameCase("JOSÉ"), "JOSÉ");
  EXPECT_EQ(DisplayNameCase("JOSÉ SMITH"), "JOSÉ Smith");
  EXPECT_EQ(DisplayNameCase("MUÑOZ-GARCIA"), "MUÑOZ-GARCIA");
  EXPECT_EQ(DisplayAddressCase("100 PEÑA BLVD"), "100 PEÑA Blvd");
  EXPECT_EQ(DisplayOrgCase("CAFÉ HEALTH"), "CAFÉ Health");
  // Invalid UTF-8 is copied, not cased or dropped.
  EXPECT_EQ(DisplayNameCase(std::string("AB\xff") + " CD"), std::string("AB\xff") + " Cd");
}

TEST(DisplayCase, OutputKeepsTheInputLength) {
  for (std::string_view s :
       {"O'BRIEN", "100 NW 5TH ST", "UNIVERSITY OF WISCONSIN", "D\u2019ANGELO", "  #  ", "JOSÉ"}) {
    EXPECT_EQ(DisplayNameCase(s).size(), s.size()) << s;
    EXPECT_EQ(DisplayAddressCase(s).size(), s.size()) << s;
    EXPECT_EQ(DisplayOrgCase(s).size(), s.size()) << s;
  }
}

// Exhaustive over short strings of the bytes the rules look at: no crash,
// same length, and only ASCII letters change, and only in case.
TEST(DisplayCase, ShortStringsOnlyChangeLetterCase) {
  const std::string alphabet = std::string("AMCSNDO1'-. \xE2\x80\x99\xC3", 16);
  constexpr size_t kMaxLength = 4;
  std::vector<std::string> inputs = {""};
  for (size_t begin = 0, len = 0; len < kMaxLength; ++len) {
    const size_t end = inputs.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) inputs.push_back(inputs[i] + c);
    }
    begin = end;
  }
  for (const std::string& s : inputs) {
    for (const std::string& out : {DisplayNameCase(s), DisplayAddressCase(s), DisplayOrgCase(s)}) {
      ASSERT_EQ(out.size(), s.size()) << s;
      for (size_t i = 0; i < s.size(); ++i) {
        ASSERT_EQ(std::tolower(static_cast<unsigned char>(out[i])),
                  std::tolower(static_cast<unsigned char>(s[i])))
            << s;
      }
    }
  }
}

TEST(DisplayCredentialCase, ReturnsCredentialsUnchanged) {
  EXPECT_EQ(DisplayCredentialCase("PT, DPT"), "PT, DPT");
  EXPECT_EQ(DisplayCredentialCase("D.O."), "D.O.");
  EXPECT_EQ(DisplayCredentialCase("L.AC."), "L.AC.");
  EXPECT_EQ(DisplayCredentialCase("MD"), "MD");
  EXPECT_EQ(DisplayCredentialCase("DC"), "DC");
  EXPECT_EQ(DisplayCredentialCase(""), "");
}

TEST(DisplayAddressCase, StreetWordsOrdinalsAndDirections) {
  EXPECT_EQ(DisplayAddressCase("5413 OAK AVE"), "5413 Oak Ave");
  EXPECT_EQ(DisplayAddressCase("5TH AVE"), "5th Ave");
  EXPECT_EQ(DisplayAddressCase("1ST ST"), "1st St");
  EXPECT_EQ(DisplayAddressCase("2ND ST"), "2nd St");
  EXPECT_EQ(DisplayAddressCase("3RD ST"), "3rd St");
  EXPECT_EQ(DisplayAddressCase("22ND ST"), "22nd St");
  EXPECT_EQ(DisplayAddressCase("123 N MAIN ST"), "123 N Main St");
  EXPECT_EQ(DisplayAddressCase("100 NW 5TH ST"), "100 NW 5th St");
  EXPECT_EQ(DisplayAddressCase("1 SE 2ND AVE, SW"), "1 SE 2nd Ave, SW");
  EXPECT_EQ(DisplayAddressCase("8 E. ELM ST"), "8 E. Elm St");
  // NE inside a longer word is not a direction.
  EXPECT_EQ(DisplayAddressCase("NEWARK"), "Newark");
}

TEST(DisplayAddressCase, UnitsBoxesAndMixedTokens) {
  EXPECT_EQ(DisplayAddressCase("STE 200"), "Ste 200");
  EXPECT_EQ(DisplayAddressCase("APT 4B"), "Apt 4B");
  EXPECT_EQ(DisplayAddressCase("# 12"), "# 12");
  EXPECT_EQ(DisplayAddressCase("UNIT #12A"), "Unit #12A");
  EXPECT_EQ(DisplayAddressCase("PO BOX 12"), "PO Box 12");
  EXPECT_EQ(DisplayAddressCase("P.O. BOX 12"), "P.O. Box 12");
  EXPECT_EQ(DisplayAddressCase("BLDG B12"), "Bldg B12");
  EXPECT_EQ(DisplayAddressCase("US HWY 1"), "US Hwy 1");
  EXPECT_EQ(DisplayAddressCase("1/2 MILE RD"), "1/2 Mile Rd");
}

TEST(DisplayAddressCase, NamesInStreetsAndCities) {
  EXPECT_EQ(DisplayAddressCase("MCKINLEY AVE"), "McKinley Ave");
  EXPECT_EQ(DisplayAddressCase("MACARTHUR BLVD"), "MacArthur Blvd");
  EXPECT_EQ(DisplayAddressCase("O'HARE"), "O'Hare");
  EXPECT_EQ(DisplayAddressCase("NEW YORK"), "New York");
  EXPECT_EQ(DisplayAddressCase("WINSTON-SALEM"), "Winston-Salem");
  EXPECT_EQ(DisplayAddressCase("ST. PAUL"), "St. Paul");
  EXPECT_EQ(DisplayAddressCase("MCALLEN"), "McAllen");
  // The local spelling is "Coeur d'Alene"; we accept "D'Alene" rather than
  // special-case one city.
  EXPECT_EQ(DisplayAddressCase("COEUR D'ALENE"), "Coeur D'Alene");
  EXPECT_EQ(DisplayAddressCase("CHILDREN'S WAY"), "Children's Way");
  EXPECT_EQ(DisplayAddressCase(""), "");
}

TEST(DisplayOrgCase, SmallWordsAndAcronyms) {
  EXPECT_EQ(DisplayOrgCase("UNIVERSITY OF WISCONSIN HOSPITALS & CLINICS AUTHORITY"),
            "University of Wisconsin Hospitals & Clinics Authority");
  EXPECT_EQ(DisplayOrgCase("THE CENTER FOR PAIN AND SPINE AT THE LAKE"),
            "The Center for Pain and Spine at the Lake");
  EXPECT_EQ(DisplayOrgCase("SMITH PHYSICAL THERAPY PLLC"), "Smith Physical Therapy PLLC");
  EXPECT_EQ(DisplayOrgCase("ACME HEALTH, INC."), "Acme Health, Inc.");
  EXPECT_EQ(DisplayOrgCase("JOHN A SMITH MD PC"), "John A Smith MD PC");
  EXPECT_EQ(DisplayOrgCase("JANE DOE DO LLC"), "Jane Doe DO LLC");
  EXPECT_EQ(DisplayOrgCase("BACK IN MOTION DC PA"), "Back in Motion DC PA");
  EXPECT_EQ(DisplayOrgCase("MOVE WELL PT & DPT LLP"), "Move Well PT & DPT LLP");
  EXPECT_EQ(DisplayOrgCase("EAST WEST LAC"), "East West LAC");
  EXPECT_EQ(DisplayOrgCase("YMCA OF THE USA"), "YMCA of the USA");
  EXPECT_EQ(DisplayOrgCase("VA MEDICAL CENTER"), "VA Medical Center");
  EXPECT_EQ(DisplayOrgCase("UW HEALTH"), "UW Health");
  EXPECT_EQ(DisplayOrgCase("NYU LANGONE"), "NYU Langone");
  EXPECT_EQ(DisplayOrgCase("UCLA HEALTH"), "UCLA Health");
  EXPECT_EQ(DisplayOrgCase("UCSF MEDICAL CENTER"), "UCSF Medical Center");
  EXPECT_EQ(DisplayOrgCase("HCA FLORIDA"), "HCA Florida");
  EXPECT_EQ(DisplayOrgCase("SMITH HOLDINGS II"), "Smith Holdings II");
  EXPECT_EQ(DisplayOrgCase("SMITH HOLDINGS III"), "Smith Holdings III");
  EXPECT_EQ(DisplayOrgCase("US PHYSICAL THERAPY"), "US Physical Therapy");
}

TEST(DisplayOrgCase, VowellessAndDigitTokens) {
  EXPECT_EQ(DisplayOrgCase("CMH PT"), "CMH PT");
  EXPECT_EQ(DisplayOrgCase("SMILES DDS"), "Smiles DDS");
  EXPECT_EQ(DisplayOrgCase("PHYSICAL THERAPY"), "Physical Therapy");  // Y counts as a vowel
  EXPECT_EQ(DisplayOrgCase("ST JOSEPH HOSPITAL"), "St Joseph Hospital");
  EXPECT_EQ(DisplayOrgCase("MT SINAI REHAB CTR LTD"), "Mt Sinai Rehab Ctr Ltd");
  EXPECT_EQ(DisplayOrgCase("RHYTHM"), "Rhythm");  // longer than four letters
  EXPECT_EQ(DisplayOrgCase("1ST CHOICE HOME HEALTH"), "1st Choice Home Health");
  EXPECT_EQ(DisplayOrgCase("A1 REHAB 24HR"), "A1 Rehab 24HR");
}

TEST(DisplayOrgCase, NamesInsideOrganizations) {
  EXPECT_EQ(DisplayOrgCase("MCDONALD CHIROPRACTIC"), "McDonald Chiropractic");
  EXPECT_EQ(DisplayOrgCase("O'BRIEN & SMITH-JONES"), "O'Brien & Smith-Jones");
  EXPECT_EQ(DisplayOrgCase("ST. MARY'S HOSPITAL"), "St. Mary's Hospital");
  EXPECT_EQ(DisplayOrgCase("MACK PHYSICAL THERAPY"), "Mack Physical Therapy");
  // First word keeps its capital even when small; "A" is never lowered.
  EXPECT_EQ(DisplayOrgCase("THE WELLNESS CENTER"), "The Wellness Center");
  EXPECT_EQ(DisplayOrgCase("A PLACE FOR HEALING"), "A Place for Healing");
  EXPECT_EQ(DisplayOrgCase("  IN   MOTION  "), "  In   Motion  ");
  EXPECT_EQ(DisplayOrgCase(""), "");
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

TEST(ReadableRecord, NamesAndAddressesForReadingRegistryTextKept) {
  Record r;
  r.entity = EntityType::kIndividual;
  r.name_prefix = "DR.", r.first_name = "SANDRA", r.middle_name = "J";
  r.last_name = "MCDONALD-O'BRIEN", r.name_suffix = "JR";
  EXPECT_EQ(ReadableName(r), "Dr. Sandra J McDonald-O'Brien Jr");
  EXPECT_EQ(r.RegistryName(), "DR. SANDRA J MCDONALD-O'BRIEN JR");
  Record org;
  org.entity = EntityType::kOrganization;
  org.org_name = "UNIVERSITY OF WISCONSIN HOSPITALS & CLINICS AUTHORITY";
  EXPECT_EQ(ReadableName(org), "University of Wisconsin Hospitals & Clinics Authority");
  Address a;
  a.line1 = "5413 OAK AVE", a.line2 = "STE 200", a.city = "NEW YORK", a.state = "NY";
  a.postal_code = "101190000";
  Address readable = ReadableAddress(a);
  EXPECT_EQ(readable.line1, "5413 Oak Ave");
  EXPECT_EQ(readable.line2, "Ste 200");
  EXPECT_EQ(readable.city, "New York");
  EXPECT_EQ(readable.state, "NY");
  EXPECT_EQ(readable.postal_code, "101190000");
}

}  // namespace
}  // namespace meridian
