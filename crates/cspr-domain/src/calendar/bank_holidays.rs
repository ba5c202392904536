//! Bank holidays of England and Wales for the shipped years, written out by hand from the official
//! list rather than computed, so that the tests can check the data and the rule against each other.
// Banking and Financial Dealings Act 1971, Sch 1, and proclamations; dates as published on GOV.UK
// 2028–2030 were not yet on GOV.UK when this was written: standing pattern, check when proclaimed

use time::macros::date;

use super::{
    BOXING_DAY, BOXING_DAY_SUBSTITUTE, BankHoliday, CHRISTMAS_DAY, CHRISTMAS_DAY_SUBSTITUTE,
    CORONATION_2023, EARLY_MAY, EARLY_MAY_VE_DAY_2020, EASTER_MONDAY, GOOD_FRIDAY, NEW_YEARS_DAY,
    NEW_YEARS_DAY_SUBSTITUTE, PLATINUM_JUBILEE_2022, SPRING, STATE_FUNERAL_2022, SUMMER,
};

/// The first year with shipped data.
pub(super) const FIRST_YEAR: i32 = 2015;
/// The last year with shipped data.
pub(super) const LAST_YEAR: i32 = 2030;

const fn bh(date: time::Date, name: &'static str) -> BankHoliday {
    BankHoliday { date, name }
}

/// Every shipped bank holiday, in date order.
pub(super) const SHIPPED: &[BankHoliday] = &[
    // 2015
    bh(date!(2015 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2015 - 04 - 03), GOOD_FRIDAY),
    bh(date!(2015 - 04 - 06), EASTER_MONDAY),
    bh(date!(2015 - 05 - 04), EARLY_MAY),
    bh(date!(2015 - 05 - 25), SPRING),
    bh(date!(2015 - 08 - 31), SUMMER),
    bh(date!(2015 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2015 - 12 - 28), BOXING_DAY_SUBSTITUTE),
    // 2016
    bh(date!(2016 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2016 - 03 - 25), GOOD_FRIDAY),
    bh(date!(2016 - 03 - 28), EASTER_MONDAY),
    bh(date!(2016 - 05 - 02), EARLY_MAY),
    bh(date!(2016 - 05 - 30), SPRING),
    bh(date!(2016 - 08 - 29), SUMMER),
    bh(date!(2016 - 12 - 26), BOXING_DAY),
    bh(date!(2016 - 12 - 27), CHRISTMAS_DAY_SUBSTITUTE),
    // 2017
    bh(date!(2017 - 01 - 02), NEW_YEARS_DAY_SUBSTITUTE),
    bh(date!(2017 - 04 - 14), GOOD_FRIDAY),
    bh(date!(2017 - 04 - 17), EASTER_MONDAY),
    bh(date!(2017 - 05 - 01), EARLY_MAY),
    bh(date!(2017 - 05 - 29), SPRING),
    bh(date!(2017 - 08 - 28), SUMMER),
    bh(date!(2017 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2017 - 12 - 26), BOXING_DAY),
    // 2018
    bh(date!(2018 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2018 - 03 - 30), GOOD_FRIDAY),
    bh(date!(2018 - 04 - 02), EASTER_MONDAY),
    bh(date!(2018 - 05 - 07), EARLY_MAY),
    bh(date!(2018 - 05 - 28), SPRING),
    bh(date!(2018 - 08 - 27), SUMMER),
    bh(date!(2018 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2018 - 12 - 26), BOXING_DAY),
    // 2019
    bh(date!(2019 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2019 - 04 - 19), GOOD_FRIDAY),
    bh(date!(2019 - 04 - 22), EASTER_MONDAY),
    bh(date!(2019 - 05 - 06), EARLY_MAY),
    bh(date!(2019 - 05 - 27), SPRING),
    bh(date!(2019 - 08 - 26), SUMMER),
    bh(date!(2019 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2019 - 12 - 26), BOXING_DAY),
    // 2020: the early May bank holiday moved from Monday 4 May to Friday 8 May, for VE day's 75th
    bh(date!(2020 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2020 - 04 - 10), GOOD_FRIDAY),
    bh(date!(2020 - 04 - 13), EASTER_MONDAY),
    bh(date!(2020 - 05 - 08), EARLY_MAY_VE_DAY_2020),
    bh(date!(2020 - 05 - 25), SPRING),
    bh(date!(2020 - 08 - 31), SUMMER),
    bh(date!(2020 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2020 - 12 - 28), BOXING_DAY_SUBSTITUTE),
    // 2021
    bh(date!(2021 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2021 - 04 - 02), GOOD_FRIDAY),
    bh(date!(2021 - 04 - 05), EASTER_MONDAY),
    bh(date!(2021 - 05 - 03), EARLY_MAY),
    bh(date!(2021 - 05 - 31), SPRING),
    bh(date!(2021 - 08 - 30), SUMMER),
    bh(date!(2021 - 12 - 27), CHRISTMAS_DAY_SUBSTITUTE),
    bh(date!(2021 - 12 - 28), BOXING_DAY_SUBSTITUTE),
    // 2022: spring bank holiday moved from Monday 30 May to Thursday 2 June, Platinum Jubilee on
    // Friday 3 June, and the State Funeral of Queen Elizabeth II on Monday 19 September
    bh(date!(2022 - 01 - 03), NEW_YEARS_DAY_SUBSTITUTE),
    bh(date!(2022 - 04 - 15), GOOD_FRIDAY),
    bh(date!(2022 - 04 - 18), EASTER_MONDAY),
    bh(date!(2022 - 05 - 02), EARLY_MAY),
    bh(date!(2022 - 06 - 02), SPRING),
    bh(date!(2022 - 06 - 03), PLATINUM_JUBILEE_2022),
    bh(date!(2022 - 08 - 29), SUMMER),
    bh(date!(2022 - 09 - 19), STATE_FUNERAL_2022),
    bh(date!(2022 - 12 - 26), BOXING_DAY),
    bh(date!(2022 - 12 - 27), CHRISTMAS_DAY_SUBSTITUTE),
    // 2023: an extra bank holiday on Monday 8 May for the coronation of King Charles III
    bh(date!(2023 - 01 - 02), NEW_YEARS_DAY_SUBSTITUTE),
    bh(date!(2023 - 04 - 07), GOOD_FRIDAY),
    bh(date!(2023 - 04 - 10), EASTER_MONDAY),
    bh(date!(2023 - 05 - 01), EARLY_MAY),
    bh(date!(2023 - 05 - 08), CORONATION_2023),
    bh(date!(2023 - 05 - 29), SPRING),
    bh(date!(2023 - 08 - 28), SUMMER),
    bh(date!(2023 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2023 - 12 - 26), BOXING_DAY),
    // 2024
    bh(date!(2024 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2024 - 03 - 29), GOOD_FRIDAY),
    bh(date!(2024 - 04 - 01), EASTER_MONDAY),
    bh(date!(2024 - 05 - 06), EARLY_MAY),
    bh(date!(2024 - 05 - 27), SPRING),
    bh(date!(2024 - 08 - 26), SUMMER),
    bh(date!(2024 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2024 - 12 - 26), BOXING_DAY),
    // 2025
    bh(date!(2025 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2025 - 04 - 18), GOOD_FRIDAY),
    bh(date!(2025 - 04 - 21), EASTER_MONDAY),
    bh(date!(2025 - 05 - 05), EARLY_MAY),
    bh(date!(2025 - 05 - 26), SPRING),
    bh(date!(2025 - 08 - 25), SUMMER),
    bh(date!(2025 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2025 - 12 - 26), BOXING_DAY),
    // 2026
    bh(date!(2026 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2026 - 04 - 03), GOOD_FRIDAY),
    bh(date!(2026 - 04 - 06), EASTER_MONDAY),
    bh(date!(2026 - 05 - 04), EARLY_MAY),
    bh(date!(2026 - 05 - 25), SPRING),
    bh(date!(2026 - 08 - 31), SUMMER),
    bh(date!(2026 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2026 - 12 - 28), BOXING_DAY_SUBSTITUTE),
    // 2027
    bh(date!(2027 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2027 - 03 - 26), GOOD_FRIDAY),
    bh(date!(2027 - 03 - 29), EASTER_MONDAY),
    bh(date!(2027 - 05 - 03), EARLY_MAY),
    bh(date!(2027 - 05 - 31), SPRING),
    bh(date!(2027 - 08 - 30), SUMMER),
    bh(date!(2027 - 12 - 27), CHRISTMAS_DAY_SUBSTITUTE),
    bh(date!(2027 - 12 - 28), BOXING_DAY_SUBSTITUTE),
    // 2028
    bh(date!(2028 - 01 - 03), NEW_YEARS_DAY_SUBSTITUTE),
    bh(date!(2028 - 04 - 14), GOOD_FRIDAY),
    bh(date!(2028 - 04 - 17), EASTER_MONDAY),
    bh(date!(2028 - 05 - 01), EARLY_MAY),
    bh(date!(2028 - 05 - 29), SPRING),
    bh(date!(2028 - 08 - 28), SUMMER),
    bh(date!(2028 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2028 - 12 - 26), BOXING_DAY),
    // 2029
    bh(date!(2029 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2029 - 03 - 30), GOOD_FRIDAY),
    bh(date!(2029 - 04 - 02), EASTER_MONDAY),
    bh(date!(2029 - 05 - 07), EARLY_MAY),
    bh(date!(2029 - 05 - 28), SPRING),
    bh(date!(2029 - 08 - 27), SUMMER),
    bh(date!(2029 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2029 - 12 - 26), BOXING_DAY),
    // 2030
    bh(date!(2030 - 01 - 01), NEW_YEARS_DAY),
    bh(date!(2030 - 04 - 19), GOOD_FRIDAY),
    bh(date!(2030 - 04 - 22), EASTER_MONDAY),
    bh(date!(2030 - 05 - 06), EARLY_MAY),
    bh(date!(2030 - 05 - 27), SPRING),
    bh(date!(2030 - 08 - 26), SUMMER),
    bh(date!(2030 - 12 - 25), CHRISTMAS_DAY),
    bh(date!(2030 - 12 - 26), BOXING_DAY),
];
