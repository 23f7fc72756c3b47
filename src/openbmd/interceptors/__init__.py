"""Interceptors: booster + kill vehicle models, their TOML files, the catalog, launchers, fly-out tables."""
from openbmd.interceptors.booster import kinematic_booster, reference_burnout_speed_m_s
from openbmd.interceptors.catalog import (CATALOG_DIR, LaunchSite, get_interceptor, get_launch_site,
                                          interceptor_ids, launch_sites, load_interceptor_catalog)
from openbmd.interceptors.flyout import FlyoutTable, band_latitude, clear_flyout_cache, flyout_table
from openbmd.interceptors.loader import interceptor_from_dict, load_interceptor, parse_interceptor_toml
from openbmd.interceptors.model import Interceptor, KillVehicle

__all__ = ["CATALOG_DIR", "FlyoutTable", "Interceptor", "KillVehicle", "LaunchSite", "band_latitude",
           "clear_flyout_cache", "flyout_table", "get_interceptor", "get_launch_site", "interceptor_ids", "interceptor_from_dict",
           "kinematic_booster", "launch_sites", "load_interceptor", "load_interceptor_catalog",
           "parse_interceptor_toml", "reference_burnout_speed_m_s"]
