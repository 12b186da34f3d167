#!/usr/bin/env Rscript
# The peer of `npm run bench:forecast -- --peer r`: R's forecast package (Debian:
# apt-get install -y r-cran-forecast) on the same series and origins as the benchmark.
# Usage: Rscript scripts/forecast-peer.R JOBS OUT
# JOBS: one job per line, tab-separated: name, season, origin (training length), horizon,
#       the training values separated by spaces.
# OUT:  CSV with a header: name,origin,method,h,mean,lo80,hi80,lo95,hi95 for the methods
#       ets (ets()), arima (auto.arima()), theta (thetaf()) and snaive (snaive()), h = 1 … horizon.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript scripts/forecast-peer.R JOBS OUT")
lines <- readLines(args[1])
out <- file(args[2], "w")
writeLines("name,origin,method,h,mean,lo80,hi80,lo95,hi95", out)
for (line in lines) {
  f <- strsplit(line, "\t", fixed = TRUE)[[1]]
  name <- f[1]
  season <- as.integer(f[2])
  origin <- as.integer(f[3])
  h <- as.integer(f[4])
  x <- ts(as.numeric(strsplit(f[5], " ", fixed = TRUE)[[1]]), frequency = season)
  fits <- list(
    ets = function() forecast(ets(x), h = h, level = c(80, 95)),
    arima = function() forecast(auto.arima(x), h = h, level = c(80, 95)),
    theta = function() thetaf(x, h = h, level = c(80, 95)),
    snaive = function() snaive(x, h = h, level = c(80, 95))
  )
  for (method in names(fits)) {
    fc <- fits[[method]]()
    for (k in seq_len(h)) {
      writeLines(sprintf("%s,%d,%s,%d,%.10g,%.10g,%.10g,%.10g,%.10g", name, origin, method, k,
        fc$mean[k], fc$lower[k, 1], fc$upper[k, 1], fc$lower[k, 2], fc$upper[k, 2]), out)
    }
  }
  cat(".", file = stderr())
}
cat("\n", file = stderr())
close(out)
