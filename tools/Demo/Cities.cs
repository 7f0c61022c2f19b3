namespace AfterSales.Demo;

/// <summary>A city stations are placed around; <see cref="Weight"/> is its share of the network.</summary>
public sealed record City(string Province, string Code, string Name, double Latitude, double Longitude, int Weight);

/// <summary>Two real cities in each of the 31 mainland provinces, municipalities and autonomous regions.</summary>
public static class Cities
{
    public static readonly IReadOnlyList<City> All =
    [
        new("Beijing", "BJ", "Beijing", 39.904, 116.407, 9), new("Beijing", "BJ", "Tongzhou", 39.909, 116.657, 3),
        new("Tianjin", "TJ", "Tianjin", 39.125, 117.190, 5), new("Tianjin", "TJ", "Binhai", 39.030, 117.710, 2),
        new("Hebei", "HE", "Shijiazhuang", 38.042, 114.515, 5), new("Hebei", "HE", "Tangshan", 39.631, 118.180, 3),
        new("Shanxi", "SX", "Taiyuan", 37.871, 112.549, 4), new("Shanxi", "SX", "Datong", 40.077, 113.300, 2),
        new("Inner Mongolia", "NM", "Hohhot", 40.842, 111.749, 3), new("Inner Mongolia", "NM", "Baotou", 40.657, 109.840, 2),
        new("Liaoning", "LN", "Shenyang", 41.805, 123.431, 5), new("Liaoning", "LN", "Dalian", 38.914, 121.615, 4),
        new("Jilin", "JL", "Changchun", 43.817, 125.324, 4), new("Jilin", "JL", "Jilin", 43.838, 126.549, 2),
        new("Heilongjiang", "HL", "Harbin", 45.803, 126.535, 4), new("Heilongjiang", "HL", "Daqing", 46.590, 125.104, 2),
        new("Shanghai", "SH", "Shanghai", 31.230, 121.474, 10), new("Shanghai", "SH", "Pudong", 31.221, 121.544, 4),
        new("Jiangsu", "JS", "Nanjing", 32.060, 118.797, 7), new("Jiangsu", "JS", "Suzhou", 31.299, 120.585, 7),
        new("Zhejiang", "ZJ", "Hangzhou", 30.274, 120.155, 8), new("Zhejiang", "ZJ", "Ningbo", 29.868, 121.544, 5),
        new("Anhui", "AH", "Hefei", 31.821, 117.227, 5), new("Anhui", "AH", "Wuhu", 31.353, 118.433, 2),
        new("Fujian", "FJ", "Fuzhou", 26.074, 119.296, 4), new("Fujian", "FJ", "Xiamen", 24.480, 118.089, 4),
        new("Jiangxi", "JX", "Nanchang", 28.682, 115.858, 4), new("Jiangxi", "JX", "Ganzhou", 25.831, 114.933, 2),
        new("Shandong", "SD", "Jinan", 36.651, 117.120, 6), new("Shandong", "SD", "Qingdao", 36.067, 120.383, 6),
        new("Henan", "HA", "Zhengzhou", 34.747, 113.625, 6), new("Henan", "HA", "Luoyang", 34.620, 112.454, 3),
        new("Hubei", "HB", "Wuhan", 30.593, 114.305, 7), new("Hubei", "HB", "Yichang", 30.692, 111.287, 2),
        new("Hunan", "HN", "Changsha", 28.228, 112.939, 6), new("Hunan", "HN", "Hengyang", 26.894, 112.572, 2),
        new("Guangdong", "GD", "Guangzhou", 23.129, 113.264, 10), new("Guangdong", "GD", "Shenzhen", 22.543, 114.058, 10),
        new("Guangxi", "GX", "Nanning", 22.817, 108.366, 4), new("Guangxi", "GX", "Guilin", 25.274, 110.290, 2),
        new("Hainan", "HI", "Haikou", 20.044, 110.342, 2), new("Hainan", "HI", "Sanya", 18.253, 109.512, 1),
        new("Chongqing", "CQ", "Chongqing", 29.563, 106.551, 7), new("Chongqing", "CQ", "Wanzhou", 30.808, 108.409, 2),
        new("Sichuan", "SC", "Chengdu", 30.573, 104.066, 8), new("Sichuan", "SC", "Mianyang", 31.468, 104.679, 2),
        new("Guizhou", "GZ", "Guiyang", 26.647, 106.630, 3), new("Guizhou", "GZ", "Zunyi", 27.725, 106.927, 2),
        new("Yunnan", "YN", "Kunming", 25.038, 102.718, 4), new("Yunnan", "YN", "Dali", 25.607, 100.268, 1),
        new("Tibet", "XZ", "Lhasa", 29.652, 91.172, 1), new("Tibet", "XZ", "Shigatse", 29.267, 88.880, 1),
        new("Shaanxi", "SN", "Xi'an", 34.341, 108.940, 6), new("Shaanxi", "SN", "Baoji", 34.362, 107.238, 2),
        new("Gansu", "GS", "Lanzhou", 36.061, 103.834, 3), new("Gansu", "GS", "Tianshui", 34.581, 105.725, 1),
        new("Qinghai", "QH", "Xining", 36.617, 101.778, 2), new("Qinghai", "QH", "Golmud", 36.402, 94.903, 1),
        new("Ningxia", "NX", "Yinchuan", 38.487, 106.231, 2), new("Ningxia", "NX", "Shizuishan", 39.013, 106.384, 1),
        new("Xinjiang", "XJ", "Urumqi", 43.826, 87.617, 3), new("Xinjiang", "XJ", "Kashgar", 39.470, 75.990, 1),
    ];
}
