#include "synth/synth.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/embedded.h"
#include "geo/gazetteer.h"
#include "model/fields.h"
#include "refdata/nppes_columns.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/json.h"

namespace meridian {

namespace {

// splitmix64: small, fast and good enough for synthetic data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Chance(double p) { return Unit() < p; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t s_;
};

// A practitioner type: taxonomy, credential spellings seen in NPPES, weight.
struct Kind {
  const char* taxonomy;
  double weight;
  std::vector<const char*> credentials;
  double female;                // share of F sex codes
  const char* second_taxonomy;  // sometimes listed too ("" = none)
};

// Rough shares of the NPPES individual population, with the pain-care types
// Meridian cares about present in realistic (small) proportions.
const std::vector<Kind>& IndividualKinds() {
  static const std::vector<Kind> k = {
      {"363L00000X", 8.0, {"NP", "FNP-C", "APRN", "CRNP", "MSN, FNP"}, 0.88, "363LF0000X"},
      {"207R00000X", 5.0, {"MD", "M.D.", "M. D."}, 0.40, ""},
      {"207Q00000X", 3.5, {"MD", "M.D.", "DO", "D.O."}, 0.45, ""},
      {"208D00000X", 1.5, {"MD", "M.D."}, 0.40, ""},
      {"363A00000X", 4.0, {"PA-C", "PA", "P.A."}, 0.65, "363AM0700X"},
      {"225100000X", 5.0, {"PT", "DPT", "PT, DPT", "P.T.", "MPT"}, 0.65, "2251X0800X"},
      {"2251X0800X", 0.8, {"DPT", "PT, OCS"}, 0.55, "225100000X"},
      {"111N00000X", 2.5, {"DC", "D.C.", "DC, CCSP"}, 0.30, "111NX0800X"},
      {"225700000X", 2.0, {"LMT", "CMT", "LMT, BCTMB", "RMT"}, 0.80, ""},
      {"171100000X",
       0.7,
       {"L.Ac.", "LAc", "L.AC.", "Dipl. Ac., L.Ac.", "DAOM, LAc", "AP", "DOM", "C.Ac."},
       0.60,
       ""},
      {"204D00000X", 0.3, {"DO", "D.O."}, 0.35, "207Q00000X"},
      {"208VP0014X", 0.4, {"MD", "M.D.", "DO"}, 0.25, "207L00000X"},
      {"208VP0000X", 0.3, {"MD", "DO"}, 0.30, ""},
      {"207LP2900X", 0.3, {"MD", "M.D."}, 0.30, "207L00000X"},
      {"208100000X", 0.8, {"MD", "DO", "D.O."}, 0.40, "2081P2900X"},
      {"2081P2900X", 0.2, {"MD", "DO"}, 0.35, "208100000X"},
      {"225X00000X", 2.5, {"OT", "OTR/L", "OTR"}, 0.85, ""},
      {"1041C0700X", 5.0, {"LCSW", "LICSW", "MSW, LCSW"}, 0.82, ""},
      {"101YM0800X", 4.0, {"LPC", "LMHC", "LCPC"}, 0.75, "101Y00000X"},
      {"103T00000X", 2.0, {"PHD", "PSY.D", "PH.D."}, 0.65, "103TC0700X"},
      {"183500000X", 3.0, {"RPH", "PHARMD", "PHARM.D."}, 0.60, ""},
      {"1223G0001X", 3.0, {"DDS", "DMD", "D.D.S."}, 0.35, ""},
      {"152W00000X", 1.5, {"OD", "O.D."}, 0.45, ""},
      {"213E00000X", 0.7, {"DPM", "D.P.M."}, 0.25, "213ES0103X"},
      {"207X00000X", 1.2, {"MD", "M.D."}, 0.10, "207XS0106X"},
      {"2084N0400X", 0.8, {"MD"}, 0.35, ""},
      {"207P00000X", 1.5, {"MD", "DO", "M.D."}, 0.35, ""},
      {"367500000X", 1.5, {"CRNA"}, 0.60, ""},
      {"163W00000X", 3.0, {"RN", "BSN, RN"}, 0.90, ""},
      {"235Z00000X", 1.2, {"CCC-SLP", "MS, CCC-SLP"}, 0.95, ""},
      {"133V00000X", 0.8, {"RD", "RDN", "MS, RD"}, 0.90, ""},
      {"174400000X", 1.0, {"MD", "DO", ""}, 0.45, ""},
  };
  return k;
}

struct OrgKind {
  const char* taxonomy;
  double weight;
  std::vector<const char*> suffixes;  // name patterns after a place or surname
};

const std::vector<OrgKind>& OrgKinds() {
  static const std::vector<OrgKind> k = {
      {"261QP2000X", 3.0, {"PHYSICAL THERAPY", "PHYSICAL THERAPY & REHAB LLC", "SPORTS PT INC"}},
      {"261QM1300X", 2.0, {"MULTI-SPECIALTY CLINIC", "MEDICAL GROUP PC"}},
      {"111N00000X", 1.5, {"CHIROPRACTIC", "CHIROPRACTIC CENTER", "SPINE & WELLNESS LLC"}},
      {"171100000X", 0.6, {"ACUPUNCTURE", "ACUPUNCTURE & HERBS", "ORIENTAL MEDICINE CLINIC"}},
      {"225700000X", 0.5, {"MASSAGE THERAPY LLC", "BODYWORK STUDIO"}},
      {"261QP3300X", 0.6, {"PAIN MANAGEMENT CENTER", "INTERVENTIONAL PAIN CLINIC"}},
      {"251E00000X", 2.0, {"HOME HEALTH CARE INC", "HOME HEALTH SERVICES"}},
      {"333600000X", 2.5, {"PHARMACY", "DRUGS INC", "PHARMACY LLC"}},
      {"332B00000X", 1.5, {"MEDICAL SUPPLY", "DURABLE MEDICAL EQUIPMENT LLC"}},
      {"282N00000X", 0.6, {"GENERAL HOSPITAL", "REGIONAL MEDICAL CENTER"}},
      {"193200000X", 2.0, {"MEDICAL ASSOCIATES", "HEALTH PARTNERS LLC"}},
      {"261QF0400X", 0.6, {"COMMUNITY HEALTH CENTER"}},
      {"1223G0001X", 1.5, {"FAMILY DENTISTRY", "DENTAL GROUP PC"}},
      {"3416L0300X", 0.5, {"AMBULANCE SERVICE", "EMS LLC"}},
      {"311Z00000X", 0.6, {"NURSING AND REHAB", "SENIOR LIVING"}},
  };
  return k;
}

const std::vector<std::string_view> kFemale = {
    "MARY",     "PATRICIA", "JENNIFER", "LINDA",     "ELIZABETH", "BARBARA",   "SUSAN",
    "JESSICA",  "SARAH",    "KAREN",    "LISA",      "NANCY",     "BETTY",     "SANDRA",
    "MARGARET", "ASHLEY",   "KIMBERLY", "EMILY",     "DONNA",     "MICHELLE",  "CAROL",
    "AMANDA",   "MELISSA",  "DEBORAH",  "STEPHANIE", "REBECCA",   "LAURA",     "HELEN",
    "SHARON",   "CYNTHIA",  "KATHLEEN", "AMY",       "ANGELA",    "ANNA",      "RUTH",
    "BRENDA",   "PAMELA",   "NICOLE",   "KATHERINE", "SAMANTHA",  "CHRISTINE", "RACHEL",
    "JANET",    "MARIA",    "HEATHER",  "WEI",       "MEI",       "PRIYA",     "YUKI",
    "SOFIA",    "CAMILA",   "JOSEFINA", "ZOE",       "HANNAH",    "GRACE",     "MEGAN"};
const std::vector<std::string_view> kMale = {
    "JAMES",    "ROBERT",      "JOHN",     "MICHAEL", "DAVID",   "WILLIAM", "RICHARD", "JOSEPH",
    "THOMAS",   "CHRISTOPHER", "CHARLES",  "DANIEL",  "MATTHEW", "ANTHONY", "MARK",    "DONALD",
    "STEVEN",   "PAUL",        "ANDREW",   "JOSHUA",  "KENNETH", "KEVIN",   "BRIAN",   "GEORGE",
    "TIMOTHY",  "RONALD",      "JASON",    "EDWARD",  "JEFFREY", "RYAN",    "JACOB",   "GARY",
    "NICHOLAS", "ERIC",        "JONATHAN", "STEPHEN", "LARRY",   "JUSTIN",  "SCOTT",   "BRANDON",
    "BENJAMIN", "SAMUEL",      "RAJ",      "HIROSHI", "JOSE",    "LUIS",    "CARLOS",  "WEI",
    "MIN",      "AHMED",       "OMAR",     "IVAN",    "TYLER",   "AARON",   "NATHAN",  "ADAM"};
const std::vector<std::string_view> kLast = {
    "SMITH",      "JOHNSON",   "WILLIAMS", "BROWN",     "JONES",    "GARCIA",   "MILLER",
    "DAVIS",      "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ",    "GONZALEZ", "WILSON",
    "ANDERSON",   "THOMAS",    "TAYLOR",   "MOORE",     "JACKSON",  "MARTIN",   "LEE",
    "PEREZ",      "THOMPSON",  "WHITE",    "HARRIS",    "SANCHEZ",  "CLARK",    "RAMIREZ",
    "LEWIS",      "ROBINSON",  "WALKER",   "YOUNG",     "ALLEN",    "KING",     "WRIGHT",
    "SCOTT",      "TORRES",    "NGUYEN",   "HILL",      "FLORES",   "GREEN",    "ADAMS",
    "NELSON",     "BAKER",     "HALL",     "RIVERA",    "CAMPBELL", "MITCHELL", "CARTER",
    "ROBERTS",    "CHEN",      "WANG",     "LI",        "ZHANG",    "LIU",      "KIM",
    "PARK",       "CHOI",      "PATEL",    "SHAH",      "SINGH",    "KUMAR",    "TANAKA",
    "SATO",       "COHEN",     "LEVY",     "MULLER",    "SCHMIDT",  "KOWALSKI", "NOWAK",
    "O'BRIEN",    "MCDONALD",  "MACLEOD",  "DUBOIS",    "ROSSI",    "RUSSO",    "FERRARI",
    "ANDERSEN",   "HANSEN",    "LARSEN",   "IVANOV",    "PETROV",   "OKAFOR",   "ADEYEMI",
    "MENSAH",     "DIALLO",    "HASSAN",   "ALI",       "KHAN",     "NAKAMURA", "VAN DER BERG",
    "DE LA CRUZ", "ST. JOHN",  "MUÑOZ",    "PEÑA",      "GÓMEZ",    "JIMÉNEZ",  "BJÖRK",
    "O'CONNOR"};
const std::vector<std::string_view> kStreets = {
    "MAIN ST",        "OAK AVE",           "MAPLE DR", "CEDAR LN",    "PINE ST",
    "ELM ST",         "WASHINGTON AVE",    "LAKE RD",  "HILL ST",     "PARK BLVD",
    "UNIVERSITY AVE", "MEDICAL CENTER DR", "STATE ST", "BROADWAY",    "HIGHLAND AVE",
    "RIVER RD",       "CHURCH ST",         "MILL RD",  "SUNSET BLVD", "2ND ST"};

// A ZCTA with a synthetic city (nearest county name) and a sampling weight.
struct Place {
  char zip[6];
  std::string city, state;
};

struct Geo {
  std::vector<Place> places;
  std::vector<double> cumulative;  // cumulative weights for sampling

  const Place& Sample(Rng* rng) const {
    double x = rng->Unit() * cumulative.back();
    size_t i = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                                   cumulative.begin());
    return places[std::min(i, places.size() - 1)];
  }
};

// Dense areas have many small ZCTAs, so the number of ZCTAs in a ZCTA's
// neighbourhood (0.2° grid, 3x3 cells) is used as a population proxy (no
// population table ships with Meridian), raised to kDensityExponent. With
// 0.5, 6.6 % of rows fall within 50 mi of Manhattan (the real share of the US
// population is about 6.6 %) and 2.7 % within 50 mi of downtown Los Angeles
// (real: about 5 %: its ZCTAs are large); 1.0 put 14 % around New York.
constexpr double kDensityExponent = 0.5;

Geo BuildGeo() {
  struct County {
    std::string state, name;
    double lat, lon;
  };
  std::vector<County> counties;
  std::string_view text = EmbeddedCountiesTxt();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    std::vector<std::string_view> f;
    size_t s = 0;
    for (;;) {
      size_t bar = line.find('|', s);
      f.push_back(line.substr(s, bar == line.npos ? line.npos : bar - s));
      if (bar == line.npos) break;
      s = bar + 1;
    }
    if (f.size() < 10) continue;
    County c;
    c.state = std::string(f[0]);
    std::string name(f[3]);
    for (const char* suffix : {" County", " Parish", " Borough", " Census Area", " Municipality",
                               " city and borough", " City and Borough", " Municipio"}) {
      size_t at = name.rfind(suffix);
      if (at != std::string::npos && at + std::string_view(suffix).size() == name.size())
        name.erase(at);
    }
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.name = name;
    std::from_chars(f[8].data(), f[8].data() + f[8].size(), c.lat);
    std::string_view lon = f[9];
    while (!lon.empty() && (lon.back() == '\r' || lon.back() == ' ')) lon.remove_suffix(1);
    std::from_chars(lon.data(), lon.data() + lon.size(), c.lon);
    counties.push_back(std::move(c));
  }
  // County grid (1 degree) for nearest-county lookups.
  std::unordered_map<int64_t, std::vector<size_t>> county_grid;
  auto cell1 = [](double lat, double lon) {
    return static_cast<int64_t>(std::floor(lat)) * 1000 + static_cast<int64_t>(std::floor(lon));
  };
  for (size_t i = 0; i < counties.size(); ++i)
    county_grid[cell1(counties[i].lat, counties[i].lon)].push_back(i);

  struct Z {
    std::string zip;
    double lat, lon;
  };
  std::vector<Z> zs;
  std::string_view z = EmbeddedZctaCsv();
  pos = z.find('\n') + 1;
  while (pos < z.size()) {
    size_t nl = z.find('\n', pos);
    std::string_view line = z.substr(pos, nl == z.npos ? z.npos : nl - pos);
    pos = nl == z.npos ? z.size() : nl + 1;
    size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    if (c1 != 5 || c2 == line.npos) continue;
    Z e;
    e.zip = std::string(line.substr(0, 5));
    std::from_chars(line.data() + c1 + 1, line.data() + c2, e.lat);
    std::from_chars(line.data() + c2 + 1, line.data() + line.size(), e.lon);
    zs.push_back(std::move(e));
  }
  std::unordered_map<int64_t, int> density;
  auto cell = [](double lat, double lon) {
    return static_cast<int64_t>(std::floor(lat * 5)) * 10000 +
           static_cast<int64_t>(std::floor(lon * 5));
  };
  for (const Z& e : zs) ++density[cell(e.lat, e.lon)];

  Geo g;
  double total = 0;
  for (const Z& e : zs) {
    int n = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        auto it = density.find(cell(e.lat + dy * 0.2, e.lon + dx * 0.2));
        if (it != density.end()) n += it->second;
      }
    // Nearest county within the 3x3 one-degree neighbourhood.
    const County* best = nullptr;
    double best_d = 1e18;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        auto it = county_grid.find(cell1(e.lat + dy, e.lon + dx));
        if (it == county_grid.end()) continue;
        for (size_t ci : it->second) {
          double a = counties[ci].lat - e.lat,
                 b = (counties[ci].lon - e.lon) * std::cos(e.lat * M_PI / 180);
          if (a * a + b * b < best_d) best_d = a * a + b * b, best = &counties[ci];
        }
      }
    if (best == nullptr) continue;  // remote ZCTA with no county nearby: skip
    Place p;
    std::copy(e.zip.begin(), e.zip.end(), p.zip);
    p.zip[5] = 0;
    // The town's real name when the gazetteer knows the ZIP (so "Madison,
    // WI" finds the demo's Madison providers), written in capitals as NPPES
    // does; else the nearest county's name.
    if (const GazetteerPlace* town = Gazetteer::Embedded().FindZip(e.zip)) {
      p.city = town->name;
      for (char& c : p.city) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      p.state = town->state;
    } else {
      p.city = best->name;
      p.state = best->state;
    }
    g.places.push_back(std::move(p));
    total += std::pow(static_cast<double>(n), kDensityExponent);
    g.cumulative.push_back(total);
  }
  return g;
}

// Appends `v` as a quoted CSV field (doubling quotes).
void Quoted(std::string* out, std::string_view v) {
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string Digits(Rng* rng, int n, char first = 0) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng->Below(10)));
  if (first != 0) s[0] = first;
  return s;
}

std::string Phone(Rng* rng) { return Digits(rng, 10, static_cast<char>('2' + rng->Below(8))); }

std::string Date(Rng* rng, int from_year, int to_year) {
  int y = from_year + static_cast<int>(rng->Below(static_cast<uint64_t>(to_year - from_year + 1)));
  int m = 1 + static_cast<int>(rng->Below(12));
  int d = 1 + static_cast<int>(rng->Below(28));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", m, d, y);
  return buf;
}

// The i-th synthetic NPI: starts with 1 or 2 like real ones, distinct for
// every i < 2e8 (1000003 is coprime to 2e8), with a valid check digit.
std::string SynthNpi(uint64_t i, uint64_t seed) {
  uint64_t body = 100000000 + (i * 1000003 + seed * 7919) % 200000000;
  std::string first9 = std::to_string(body);
  return first9 + static_cast<char>('0' + NpiCheckDigit(first9));
}

std::string PostalCode(Rng* rng, const Place& p) {
  if (rng->Chance(0.01)) {
    // A ZIP with no ZCTA (e.g. a PO-box ZIP): stays un-geocoded after ingest.
    return std::string("000") + Digits(rng, 2);
  }
  std::string z(p.zip, 5);
  if (rng->Chance(0.7)) z += Digits(rng, 4);  // ZIP+4, as most NPPES rows have
  return z;
}

}  // namespace

namespace {

// What every synthetic row draws from: the NPPES column map, places, kinds
// of practitioner and organization with their cumulative weights.
struct RowContext {
  const NppesColumns& c;
  const Geo& geo;
  const std::vector<Kind>& kinds;
  const std::vector<OrgKind>& org_kinds;
  std::vector<double> kind_cum, org_cum;
};

size_t PickWeighted(Rng* rng, const std::vector<double>& cum) {
  double x = rng->Unit() * cum.back();
  return std::min(static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), x) - cum.begin()),
                  cum.size() - 1);
}

// Practice and mailing addresses, and the dates every active row has.
void FillAddressesAndDates(const RowContext& x, const Place& place, Rng* rng,
                           std::vector<std::string>* fields) {
  const NppesColumns& c = x.c;
  std::vector<std::string>& f = *fields;
  std::string street = std::to_string(1 + rng->Below(9899)) + " " +
                       std::string(kStreets[rng->Below(kStreets.size())]);
  f[c.prac_line1] = street;
  if (rng->Chance(0.3)) f[c.prac_line2] = "STE " + std::to_string(100 + rng->Below(400));
  f[c.prac_city] = place.city;
  f[c.prac_state] = place.state;
  f[c.prac_postal] = PostalCode(rng, place);
  f[c.prac_country] = "US";
  f[c.prac_phone] = Phone(rng);
  if (rng->Chance(0.6)) f[c.prac_fax] = Phone(rng);
  if (rng->Chance(0.8)) {
    f[c.mail_line1] = f[c.prac_line1], f[c.mail_line2] = f[c.prac_line2];
    f[c.mail_city] = f[c.prac_city], f[c.mail_state] = f[c.prac_state];
    f[c.mail_postal] = f[c.prac_postal], f[c.mail_phone] = f[c.prac_phone];
  } else {
    const Place& mp = x.geo.Sample(rng);
    f[c.mail_line1] = "PO BOX " + std::to_string(1 + rng->Below(9999));
    f[c.mail_city] = mp.city, f[c.mail_state] = mp.state;
    f[c.mail_postal] = std::string(mp.zip, 5);
    f[c.mail_phone] = Phone(rng);
  }
  f[c.mail_country] = "US";
  f[c.enumeration_date] = Date(rng, 2005, 2024);
  f[c.last_update_date] = Date(rng, 2007, 2025);
  if (rng->Chance(0.01)) f[c.reactivation_date] = Date(rng, 2015, 2025);
  if (rng->Chance(0.5)) f[c.certification_date] = Date(rng, 2010, 2025);
}

// A person's names, credential and sex; their taxonomy codes in *code1/*code2.
void FillIndividual(const RowContext& x, Rng* rng, std::vector<std::string>* fields,
                    std::string* code1, std::string* code2) {
  const NppesColumns& c = x.c;
  std::vector<std::string>& f = *fields;
  const Kind& k = x.kinds[PickWeighted(rng, x.kind_cum)];
  bool female = rng->Chance(k.female);
  f[c.entity] = "1";
  f[c.first_name] =
      std::string(female ? kFemale[rng->Below(kFemale.size())] : kMale[rng->Below(kMale.size())]);
  f[c.last_name] = std::string(kLast[rng->Below(kLast.size())]);
  if (rng->Chance(0.6)) f[c.middle_name] = std::string(1, static_cast<char>('A' + rng->Below(26)));
  if (rng->Chance(0.15)) f[c.name_prefix] = rng->Chance(0.5) ? "DR." : (female ? "MS." : "MR.");
  f[c.credential] = k.credentials[rng->Below(k.credentials.size())];
  f[c.sex] = female ? "F" : "M";
  f[c.sole_proprietor] = rng->Chance(0.2) ? "Y" : "N";
  *code1 = k.taxonomy;
  if (k.second_taxonomy[0] != 0 && rng->Chance(0.25)) *code2 = k.second_taxonomy;
}

// An organization's names, official and subpart fields; its code in *code1.
void FillOrganization(const RowContext& x, const Place& place, Rng* rng,
                      std::vector<std::string>* fields, std::string* code1) {
  const NppesColumns& c = x.c;
  std::vector<std::string>& f = *fields;
  const OrgKind& k = x.org_kinds[PickWeighted(rng, x.org_cum)];
  f[c.entity] = "2";
  std::string base = rng->Chance(0.5) ? place.city : std::string(kLast[rng->Below(kLast.size())]);
  f[c.org_name] = base + " " + k.suffixes[rng->Below(k.suffixes.size())];
  f[c.ein] = "<UNAVAIL>";
  if (rng->Chance(0.1)) {
    f[c.other_org_name] = base + " CARE";
    f[c.other_org_name_type] = "3";
  }
  f[c.ao_last_name] = std::string(kLast[rng->Below(kLast.size())]);
  f[c.ao_first_name] = std::string(kMale[rng->Below(kMale.size())]);
  f[c.ao_title] = rng->Chance(0.5) ? "OWNER" : "ADMINISTRATOR";
  f[c.ao_phone] = Phone(rng);
  f[c.is_org_subpart] = rng->Chance(0.15) ? "Y" : "N";
  if (f[c.is_org_subpart] == "Y") {
    f[c.parent_org_lbn] = base + " HEALTH SYSTEM";
    f[c.parent_org_tin] = Digits(rng, 9);
  }
  *code1 = k.taxonomy;
}

// Taxonomy slots (slot 1 primary most of the time; sometimes slot 2), a few
// retired codes as the real file has, and sometimes another identifier.
void FillTaxonomies(const RowContext& x, bool individual, const std::string& code1,
                    const std::string& code2, Rng* rng, std::vector<std::string>* fields) {
  const NppesColumns& c = x.c;
  std::vector<std::string>& f = *fields;
  bool swap = !code2.empty() && rng->Chance(0.3);
  std::vector<std::string> codes = {code1};
  if (!code2.empty()) codes.push_back(code2);
  static const std::vector<std::string> kRetired = {"208VP0001X", "1041C0701X", "261QP3301X"};
  if (rng->Chance(0.003)) codes.push_back(kRetired[rng->Below(kRetired.size())]);
  for (size_t s = 0; s < codes.size(); ++s) {
    f[c.tax_code[s]] = codes[s];
    bool primary = swap ? s == 1 : s == 0;
    f[c.tax_switch[s]] = primary ? "Y" : "N";
    if (individual) {
      f[c.tax_license[s]] = Digits(rng, 6 + static_cast<int>(rng->Below(3)));
      f[c.tax_license_state[s]] = f[c.prac_state];
    }
  }
  if (rng->Chance(0.3)) {
    f[c.oid_id[0]] = Digits(rng, 8);
    f[c.oid_type[0]] = "05";
    f[c.oid_state[0]] = f[c.prac_state];
    f[c.oid_issuer[0]] = "";
  }
}

// Secondary practice locations (~7% of active providers), near the primary,
// appended to the pl file's buffer; returns how many.
int AppendSecondaryLocations(const RowContext& x, const std::string& npi, const Place& place,
                             Rng* rng, std::string* plbuf) {
  if (!rng->Chance(0.07)) return 0;
  int n = 1 + static_cast<int>(rng->Below(2));
  for (int k = 0; k < n; ++k) {
    const Place& sp = rng->Chance(0.7) ? place : x.geo.Sample(rng);
    std::vector<std::string> row = {npi,
                                    std::to_string(1 + rng->Below(9899)) + " " +
                                        std::string(kStreets[rng->Below(kStreets.size())]),
                                    "",
                                    sp.city,
                                    sp.state,
                                    PostalCode(rng, sp),
                                    "US",
                                    Phone(rng),
                                    "",
                                    ""};
    for (size_t j = 0; j < row.size(); ++j) {
      if (j) plbuf->push_back(',');
      Quoted(plbuf, row[j]);
    }
    plbuf->push_back('\n');
  }
  return n;
}

// One npidata row (and its pl rows) for provider number `i`.
void MakeRow(const RowContext& x, uint64_t i, uint64_t seed, Rng* rng,
             std::vector<std::string>* fields, std::string* plbuf, SynthSummary* sum) {
  const NppesColumns& c = x.c;
  std::vector<std::string>& f = *fields;
  for (std::string& s : f) s.clear();
  const std::string npi = SynthNpi(i, seed);
  f[c.npi] = npi;
  double r = rng->Unit();
  if (r < 0.012) {
    // Deactivated: NPI and deactivation date only, as CMS publishes them.
    f[c.deactivation_date] = Date(rng, 2008, 2025);
    ++sum->deactivated;
    return;
  }
  const bool individual = r < 0.012 + 0.78;
  const Place& place = x.geo.Sample(rng);
  FillAddressesAndDates(x, place, rng, fields);
  std::string code1, code2;
  if (individual) {
    FillIndividual(x, rng, fields, &code1, &code2);
    ++sum->individuals;
  } else {
    FillOrganization(x, place, rng, fields, &code1);
    ++sum->organizations;
  }
  FillTaxonomies(x, individual, code1, code2, rng, fields);
  sum->secondary_locations += AppendSecondaryLocations(x, npi, place, rng, plbuf);
}

constexpr const char* kPlHeader =
    "\"NPI\",\"Provider Secondary Practice Location Address- Address Line 1\",\"Provider "
    "Secondary Practice Location Address-  Address Line 2\",\"Provider Secondary Practice "
    "Location Address - City Name\",\"Provider Secondary Practice Location Address - State "
    "Name\",\"Provider Secondary Practice Location Address - Postal Code\",\"Provider "
    "Secondary Practice Location Address - Country Code (If outside U.S.)\",\"Provider "
    "Secondary Practice Location Address - Telephone Number\",\"Provider Secondary Practice "
    "Location Address - Telephone Extension\",\"Provider Practice Location Address - Fax "
    "Number\"\n";

}  // namespace

Status Synthesize(const SynthOptions& o, SynthSummary* sum) {
  if (o.out.empty()) return Status::InvalidArgument("--out is required");
  if (o.rows > 200000000) return Status::InvalidArgument("--rows: at most 200 million");
  *sum = SynthSummary();
  std::string pl_path = o.pl_out;
  if (pl_path.empty()) {
    pl_path = o.out;
    if (pl_path.size() > 4 && pl_path.ends_with(".csv")) pl_path.resize(pl_path.size() - 4);
    pl_path += "_pl.csv";
  }
  sum->pl_path = pl_path;

  std::string_view header_line = EmbeddedNppesHeader();
  while (!header_line.empty() && (header_line.back() == '\n' || header_line.back() == '\r'))
    header_line.remove_suffix(1);
  CsvTokenizer tok(header_line, 1, true);
  CsvRecord header;
  if (tok.Next(&header) != CsvTokenizer::Outcome::kRecord)
    return Status::Internal("embedded NPPES header is unreadable");
  auto cols_r = NppesColumns::FromHeader(header.fields);
  if (!cols_r.ok()) return cols_r.status();
  const Geo geo = BuildGeo();
  if (geo.places.empty()) return Status::Internal("no places to sample");
  RowContext x{*cols_r, geo, IndividualKinds(), OrgKinds(), {}, {}};
  double acc = 0;
  for (const Kind& k : x.kinds) x.kind_cum.push_back(acc += k.weight);
  acc = 0;
  for (const OrgKind& k : x.org_kinds) x.org_cum.push_back(acc += k.weight);

  auto out = AtomicFile::Create(o.out);
  if (!out.ok()) return out.status();
  auto pl = AtomicFile::Create(pl_path);
  if (!pl.ok()) return pl.status();
  std::string buf(header_line);
  buf.append("\n");
  std::string plbuf = kPlHeader;
  Rng rng(o.seed);
  std::vector<std::string> f(x.c.field_count);
  for (uint64_t i = 0; i < o.rows; ++i) {
    MakeRow(x, i, o.seed, &rng, &f, &plbuf, sum);
    for (size_t j = 0; j < f.size(); ++j) {
      if (j) buf.push_back(',');
      Quoted(&buf, f[j]);
    }
    buf.push_back('\n');
    ++sum->rows;
    if (buf.size() > (8u << 20)) {
      sum->bytes += buf.size();
      MERIDIAN_RETURN_IF_ERROR((*out)->Append(buf));
      buf.clear();
    }
    if (plbuf.size() > (8u << 20)) {
      MERIDIAN_RETURN_IF_ERROR((*pl)->Append(plbuf));
      plbuf.clear();
    }
  }
  sum->bytes += buf.size();
  MERIDIAN_RETURN_IF_ERROR((*out)->Append(buf));
  MERIDIAN_RETURN_IF_ERROR((*pl)->Append(plbuf));
  MERIDIAN_RETURN_IF_ERROR((*pl)->Commit());
  MERIDIAN_RETURN_IF_ERROR((*out)->Commit());

  JsonWriter w;
  w.BeginObject();
  w.Key("synthetic").Bool(true);
  w.Field("generator", "meridian synth");
  w.Key("seed").Uint(o.seed);
  w.Key("rows").Uint(sum->rows);
  w.Field("note",
          "Synthetic sample data: names, addresses and NPIs are generated, not real people.");
  w.Field("pl_file", BaseName(pl_path));
  w.EndObject();
  return WriteFileAtomically(o.out + ".meta.json", w.str() + "\n");
}

}  // namespace meridian
