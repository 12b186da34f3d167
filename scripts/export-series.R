#!/usr/bin/env Rscript
# Exports the real monthly and quarterly series of data/ from R's `datasets` package and the
# `forecast` package (Debian: apt-get install -y r-cran-forecast), once; see data/README.md.
# Also the training-only series of data/extra/ (issue #33's fifth round), from `datasets`, AER and
# tseries (Debian: r-cran-aer, r-cran-tseries): never scored, only trained on by
# bench/global-net.ts.
# Run from the repository root: Rscript scripts/export-series.R
# Monthly files have a `month` column (YYYY-MM), quarterly ones a `quarter` column (YYYY-Qn).
suppressMessages({
  library(forecast)
  library(AER)
  library(tseries)
})

series <- list(
  # file name = list(value column, R expression)
  "air-passengers"            = list("passengers", quote(datasets::AirPassengers)),
  "uk-driver-deaths"          = list("deaths", quote(datasets::UKDriverDeaths)),
  "nottingham-temperature"    = list("fahrenheit", quote(datasets::nottem)),
  "australian-wine-sales"     = list("litres", quote(forecast::wineind)),
  "mauna-loa-co2"             = list("ppm", quote(datasets::co2)),
  "australian-gas"            = list("production", quote(forecast::gas)),
  "uk-drivers-killed"         = list("killed", quote(datasets::Seatbelts[, "DriversKilled"])),
  "uk-front-seat-casualties"  = list("casualties", quote(datasets::Seatbelts[, "front"])),
  "uk-rear-seat-casualties"   = list("casualties", quote(datasets::Seatbelts[, "rear"])),
  "uk-van-drivers-killed"     = list("killed", quote(datasets::Seatbelts[, "VanKilled"])),
  "uk-distance-driven"        = list("kms", quote(datasets::Seatbelts[, "kms"])),
  "uk-petrol-price"           = list("price", quote(datasets::Seatbelts[, "PetrolPrice"])),
  "uk-gas-quarterly"          = list("therms", quote(datasets::UKgas)),
  "johnson-johnson-quarterly" = list("earnings", quote(datasets::JohnsonJohnson)),
  "australian-residents-quarterly" = list("thousands", quote(datasets::austres)),
  "australian-wool-quarterly" = list("tonnes", quote(forecast::woolyrnq))
)

# Training-only series (data/README.md states the rule they were chosen by).
# A data set of an R package (AER and tseries do not load theirs lazily).
dataset <- function(name, package, object = name) {
  e <- new.env()
  data(list = name, package = package, envir = e)
  get(object, envir = e)
}
extra <- list(
  "us-accidental-deaths"      = list("deaths", quote(datasets::USAccDeaths)),
  "uk-lung-deaths-male"       = list("deaths", quote(datasets::mdeaths)),
  "uk-lung-deaths-female"     = list("deaths", quote(datasets::fdeaths)),
  "dutch-retail-sales"        = list("index", quote(dataset("DutchSales", "AER"))),
  "uk-nondurables-quarterly"  = list("pounds", quote(dataset("UKNonDurables", "AER"))),
  "us-production-quarterly"   = list("index", quote(dataset("USProdIndex", "AER")[, "unadjusted"])),
  "german-unemployment-quarterly" = list("percent", quote(dataset("GermanUnemployment", "AER")[, "unadjusted"])),
  "us-ppi"                    = list("index", quote(dataset("FrozenJuice", "AER")[, "ppi"])),
  "japan-gdp-quarterly"       = list("gdp", quote(dataset("USMacroSW", "AER")[, "gdpjp"])),
  "orange-county-employment-quarterly" = list("thousands", quote(dataset("OrangeCounty", "AER")[, "employment"])),
  "nino3-sst"                 = list("celsius", quote(dataset("nino", "tseries", "nino3"))),
  "nino34-sst"                = list("celsius", quote(dataset("nino", "tseries", "nino3.4")))
)

export <- function(series, dir) {
  dir.create(dir, showWarnings = FALSE)
  for (name in names(series)) {
    column <- series[[name]][[1]]
    what <- series[[name]][[2]]
    x <- eval(what)
    f <- frequency(x)
    t <- round(time(x) * f)
    year <- t %/% f
    k <- t %% f + 1
    if (f == 12) {
      df <- data.frame(month = sprintf("%d-%02d", year, k))
    } else if (f == 4) {
      df <- data.frame(quarter = sprintf("%d-Q%d", year, k))
    } else stop(name, ": frequency ", f)
    df[[column]] <- as.numeric(x)
    write.csv(df, file.path(dir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
    cat(sprintf("%-32s %-40s %4d points, %s … %s\n", name, deparse(what), nrow(df), df[1, 1], df[nrow(df), 1]))
  }
}
export(series, "data")
export(extra, file.path("data", "extra"))
